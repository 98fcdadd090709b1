"""The user's cache folder keeps what commands use and lets go of what none has used for
a month (okrdesk/user_cache.py), through the commands that write and read it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from okrdesk import user_cache
from okrdesk.cli import cli
from okrdesk.plugins.sql_dialect import read_query
from okrdesk.plugins.sql_files import load_table, table_file
from okrdesk.plugins.sql_query_cache import QueryCache
from okrdesk.plugins.sql_table_cache import TableCache
from okrdesk.targets import plan_cache, toml_cache
from sample_workspace import WriteWorkspace

DAY = 24 * 60 * 60


def _aged(path: Path, days: float) -> Path:
    then = time.time() - days * DAY
    os.utime(path, (then, then))
    return path


def _entry(folder: Path, name: str, days: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if name.endswith((".json", ".tmp")) or "." in name:
        path.write_text("{}", encoding="utf-8")
    else:
        path.mkdir()
        (path / "tables.json").write_text("{}", encoding="utf-8")
        _aged(path / "tables.json", days)
    return _aged(path, days)


def _workspace(write_workspace: WriteWorkspace, root: Path | None = None) -> Path:
    """A small workspace with an okrdesk.toml, which the toml cache keeps."""
    root = write_workspace(root=root)
    (root / "okrdesk.toml").write_text(f'[workspace]\nname = "{root.name}"\n', encoding="utf-8")
    return root


def _validate(root: Path) -> None:
    done = CliRunner().invoke(cli, ["validate", "-w", str(root), "--lang", "en"])
    assert done.exit_code == 0, done.output


def _session(root: Path) -> None:
    from okrdesk.app.session import open_session

    assert open_session(root).plan is not None


def test_a_command_that_keeps_a_plan_lets_go_of_entries_unused_for_a_month(
    write_workspace: WriteWorkspace,
) -> None:
    plans, settings = plan_cache.cache_folder(), toml_cache.cache_folder()
    stale = [
        _entry(plans, "0" * 32 + ".json", 31),
        _entry(plans, f".{'1' * 32}.json.x8k2p0qz.tmp", 40),  # a killed command's
        _entry(settings, "2" * 32 + ".json", 90),
        _entry(settings, "..pruned.a81kq0zz.tmp", 45),  # a killed command's marker
    ]
    kept = [
        _entry(plans, "3" * 32 + ".json", 29),
        _entry(settings, "4" * 32 + ".json", 2),
        _entry(plans, "notes.txt", 400),  # not a name okrdesk gives an entry
        _entry(plans, "5" * 31 + ".json", 400),
    ]
    _session(_workspace(write_workspace))
    assert [path.exists() for path in stale] == [False] * 4
    assert [path.exists() for path in kept] == [True] * 4
    # The new entries, just written, stay.
    assert len(list(plans.glob("*.json"))) == 3
    assert len(list(settings.glob("*.json"))) == 2


def test_a_folder_is_looked_through_at_most_once_a_day(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    plans = plan_cache.cache_folder()
    _session(_workspace(write_workspace))
    old = _entry(plans, "6" * 32 + ".json", 60)
    _session(_workspace(write_workspace, tmp_path / "another"))
    assert old.exists()
    _aged(plans / user_cache.PRUNED, 1.5)
    _session(_workspace(write_workspace, tmp_path / "a third"))
    assert not old.exists()


def test_an_entry_read_again_is_kept_however_old_it_was_written(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = _workspace(write_workspace)
    _session(root)
    plans, settings = plan_cache.cache_folder(), toml_cache.cache_folder()
    [plan] = plans.glob("*.json")
    [toml] = settings.glob("*.json")
    written = plan.read_bytes(), toml.read_bytes()
    for entry in (plan, toml, plans / user_cache.PRUNED, settings / user_cache.PRUNED):
        _aged(entry, 29.5)
    _session(root)  # read from the cache, so both are used now
    assert (plan.read_bytes(), toml.read_bytes()) == written
    assert time.time() - plan.stat().st_mtime < DAY
    assert time.time() - toml.stat().st_mtime < DAY
    # Another workspace's command, a day later: neither is pruned.
    for entry in (plans / user_cache.PRUNED, settings / user_cache.PRUNED):
        _aged(entry, 2)
    _session(_workspace(write_workspace, tmp_path / "another"))
    assert plan.exists() and toml.exists()


def test_a_fresh_entry_is_not_written_again_when_read(write_workspace: WriteWorkspace) -> None:
    root = _workspace(write_workspace)
    _session(root)
    [plan] = plan_cache.cache_folder().glob("*.json")
    _aged(plan, 0.5)
    before = plan.stat().st_mtime_ns
    _session(root)
    assert plan.stat().st_mtime_ns == before


def test_validate_through_the_command_line_prunes_too(write_workspace: WriteWorkspace) -> None:
    settings = toml_cache.cache_folder()
    old = _entry(settings, "7" * 32 + ".json", 45)
    _validate(_workspace(write_workspace))
    assert not old.exists()


def test_what_cannot_be_removed_is_left_quietly(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    locked = _entry(folder, "8" * 32, 45)
    (locked / "inner").mkdir()
    (locked / "inner" / "x").write_text("x", encoding="utf-8")
    os.chmod(locked / "inner", 0o500)
    gone = _entry(folder, "9" * 32 + ".json", 45)
    try:
        removed = user_cache.prune(folder)
        assert gone.name in removed
        assert not gone.exists()
        if os.geteuid() != 0:  # root removes what a mode forbids
            assert locked.exists() and locked.name not in removed
    finally:
        if (locked / "inner").exists():
            os.chmod(locked / "inner", 0o700)


def test_a_missing_or_unreadable_folder_prunes_nothing(tmp_path: Path) -> None:
    assert user_cache.prune(tmp_path / "never made") == []
    user_cache.mark_used(tmp_path / "never made")  # no error either


def test_a_relative_home_keeps_the_cache_in_the_account_s_home_not_where_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """$HOME=. (with $XDG_CACHE_HOME unset or relative, which the XDG rules ignore) put
    the cache in the folder a command ran from, a workspace perhaps: its tables, and a
    plan a workspace you were sent could bring. The account's own home is used."""
    import pwd

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", ".")
    try:
        own = Path(pwd.getpwuid(os.getuid()).pw_dir)
    except KeyError:
        pytest.skip("this account has no home of its own: the test below is its case")
    for cache_home in (None, "cache", ""):
        if cache_home is None:
            monkeypatch.delenv("XDG_CACHE_HOME")
        else:
            monkeypatch.setenv("XDG_CACHE_HOME", cache_home)
        assert user_cache.user_cache_folder("plans") == own / ".cache" / "okrdesk" / "plans"


def test_without_a_home_folder_nothing_is_kept_and_every_command_reads_the_files(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A container run as an account the system has no entry for, without $HOME: there
    is no home folder (the account cannot be made here, so the system's answer is
    stood in for). The SQL source's tables are read from their files then, where the
    table cache failed the collect."""
    import pwd

    def no_entry(uid: int) -> pwd.struct_passwd:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    root = _workspace(write_workspace)
    monkeypatch.chdir(root)
    monkeypatch.delenv("HOME")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    with pytest.raises(RuntimeError):
        user_cache.user_cache_folder("plans")
    monkeypatch.setenv("HOME", ".")
    with pytest.raises(RuntimeError):
        user_cache.user_cache_folder("plans")
    _validate(root)
    _session(root)
    (root / "data").mkdir()
    (root / "data" / "calls.csv").write_text("day,calls\n2026-01-06,10\n", encoding="utf-8")
    table = table_file("calls", "data/calls.csv", root, [])
    cache = TableCache(root)
    with duckdb.connect() as connection:
        load_table(connection, table, root / "data", cache)
        assert connection.execute("SELECT calls FROM calls").fetchall() == [(10,)]
    assert cache.hits == []
    # What sqlglot reads of a query is read anew each time, and kept nowhere.
    queries = QueryCache()
    assert queries.facts("SELECT 1 AS value", "duckdb") == read_query("SELECT 1 AS value", "duckdb")
    queries.save()
    assert sorted(p.name for p in root.iterdir()) == [
        "data", "okrdesk.toml", "plugins", "targets"
    ]  # fmt: skip


def test_a_kept_table_gone_or_damaged_since_it_was_found_is_read_from_its_file(
    tmp_path: Path,
) -> None:
    """Another command's pruning may remove a table's Parquet file between finding it and
    reading it, as may a user emptying the cache; a damaged one reads no better. Either
    way the table is read from its file, and collect goes on."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "calls.csv").write_text(
        "day,calls\n2026-01-06,10\n2026-01-07,5\n", encoding="utf-8"
    )
    table = table_file("calls", "data/calls.csv", tmp_path, [])
    with duckdb.connect() as connection:
        load_table(connection, table, tmp_path, TableCache(tmp_path))
    [kept] = TableCache(tmp_path).folder.glob("calls-*.parquet")
    kept.write_bytes(b"not parquet")
    cache = TableCache(tmp_path)
    with duckdb.connect() as connection:
        load_table(connection, table, tmp_path, cache)
        rows = connection.execute("SELECT calls FROM calls ORDER BY rowid").fetchall()
    assert rows == [(10,), (5,)]
    assert cache.hits == []
    # Kept again, whole: the next command reads it.
    again = TableCache(tmp_path)
    with duckdb.connect() as connection:
        load_table(connection, table, tmp_path, again)
        assert connection.execute("SELECT sum(calls) FROM calls").fetchone() == (15,)
    assert again.hits == ["calls"]


def _set_time(path: Path, when: float) -> None:
    os.utime(path, (when, when), follow_symlinks=False)


def test_a_clock_once_set_ahead_neither_stops_pruning_nor_keeps_an_entry_for_ever(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "plans"
    now = time.time()
    stale = _entry(folder, "a" * 32 + ".json", 45)
    ahead = _entry(folder, "b" * 32 + ".json", 0)
    _set_time(ahead, now + 400 * DAY)
    # A command run while the clock said a year ahead marked the folder looked through.
    (folder / user_cache.PRUNED).write_bytes(b"")
    _set_time(folder / user_cache.PRUNED, now + 400 * DAY)
    assert user_cache.prune(folder, now) == [stale.name]
    # The entry written then is kept for a month from now, not from a year ahead.
    assert abs(ahead.stat().st_mtime - now) < 1
    assert user_cache.prune(folder, now + 31 * DAY) == [ahead.name]


def test_an_entry_read_with_a_time_ahead_is_marked_used_now(
    write_workspace: WriteWorkspace,
) -> None:
    root = _workspace(write_workspace)
    _session(root)
    [plan] = plan_cache.cache_folder().glob("*.json")
    _set_time(plan, time.time() + 400 * DAY)
    _session(root)
    assert abs(plan.stat().st_mtime - time.time()) < DAY


def test_a_workspace_s_tables_moved_by_a_link_stay_while_used_and_only_the_link_goes(
    tmp_path: Path,
) -> None:
    """The SQL cache of one workspace moved to a bigger disk, a link left in its place:
    a collect marks the link used (the time pruning reads), and a link unused for a month
    is removed alone, never what it leads to."""
    (tmp_path / "ws" / "data").mkdir(parents=True)
    ws = tmp_path / "ws"
    (ws / "data" / "calls.csv").write_text("day,calls\n2026-01-06,10\n", encoding="utf-8")
    table = table_file("calls", "data/calls.csv", ws, [])
    with duckdb.connect() as connection:
        load_table(connection, table, ws, TableCache(ws))
    kept = TableCache(ws).folder
    moved = tmp_path / "bigger disk" / "tables"
    moved.parent.mkdir()
    kept.rename(moved)
    kept.symlink_to(moved, target_is_directory=True)
    _set_time(kept, time.time() - 40 * DAY)
    TableCache(ws)  # a collect that reads the tables kept
    assert time.time() - kept.lstat().st_mtime < DAY
    assert user_cache.prune(kept.parent, time.time() + 2 * DAY) == []
    pruned = user_cache.prune(kept.parent, time.time() + 31 * DAY)
    assert pruned == [kept.name]
    assert not kept.is_symlink() and not kept.exists()
    assert sorted(p.name for p in moved.iterdir())[-1] == "tables.json"
    assert len(list(moved.glob("calls-*.parquet"))) == 1


def test_a_table_list_that_cannot_be_written_costs_only_the_cache(tmp_path: Path) -> None:
    """A full disk or a read-only cache folder leaves the list of kept tables unwritten
    (here a folder stands in its place, which stops root too): the table is read from its
    file all the same, and the next collect reads it from its file again."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "calls.csv").write_text("day,calls\n2026-01-06,10\n", encoding="utf-8")
    table = table_file("calls", "data/calls.csv", tmp_path, [])
    cache = TableCache(tmp_path)
    (cache.folder / "tables.json").mkdir(parents=True)
    for _ in range(2):
        with duckdb.connect() as connection:
            load_table(connection, table, tmp_path, TableCache(tmp_path))
            assert connection.execute("SELECT calls FROM calls").fetchall() == [(10,)]


def _cache_state() -> dict[str, tuple[int, int]]:
    top = user_cache.user_cache_folder()
    return {
        str(path.relative_to(top)): (path.lstat().st_mtime_ns, path.lstat().st_ctime_ns)
        for path in sorted(top.rglob("*"))
    }


def test_a_report_that_finds_its_entries_fresh_writes_nothing_in_the_cache(
    write_workspace: WriteWorkspace,
) -> None:
    """No entry's time moved, no .pruned marker written, no file added: a report run
    every few minutes on a dashboard leaves the cache folder as it found it."""
    root = _workspace(write_workspace)
    runner = CliRunner()
    collected = runner.invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)])
    assert collected.exit_code == 0, collected.output
    args = ["report", "--as-of", "2026-03-15", "--format", "json", "-w", str(root)]
    for _ in range(2):
        done = runner.invoke(cli, args)
        assert done.exit_code == 0, done.output
    before = _cache_state()
    assert any(name.startswith("plans/") for name in before)
    assert "plans/.pruned" in before and "toml/.pruned" in before
    done = runner.invoke(cli, args)
    assert done.exit_code == 0, done.output
    assert _cache_state() == before


def test_pruning_never_removes_what_an_entry_links_to_outside_the_cache(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "sql"
    outside = tmp_path / "reports"
    outside.mkdir()
    (outside / "2026-03.xlsx").write_bytes(b"figures")
    _aged(outside / "2026-03.xlsx", 90)
    _aged(outside, 90)
    # An entry that is a link to the folder, and one that holds a link to it.
    link = folder / ("c" * 32)
    folder.mkdir(parents=True)
    link.symlink_to(outside, target_is_directory=True)
    _set_time(link, time.time() - 90 * DAY)
    holding = _entry(folder, "d" * 32, 90)
    (holding / "reports").symlink_to(outside, target_is_directory=True)
    _aged(holding, 90)
    assert sorted(user_cache.prune(folder)) == [link.name, holding.name]
    assert not link.is_symlink() and not holding.exists()
    assert (outside / "2026-03.xlsx").read_bytes() == b"figures"


def test_processes_pruning_one_folder_at_once_share_the_work_quietly(tmp_path: Path) -> None:
    folder = tmp_path / "sql"
    for number in range(300):
        entry = _entry(folder, f"{number:032x}", 60)
        (entry / "calls-0.parquet").write_bytes(b"kept")
        _aged(entry, 60)
    prune = (
        "import sys, pathlib, okrdesk.user_cache as c\n"
        "print(len(c.prune(pathlib.Path(sys.argv[1]))))"
    )
    running = [
        subprocess.Popen([sys.executable, "-c", prune, str(folder)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]  # fmt: skip
    said = [process.communicate() for process in running]
    assert [process.returncode for process in running] == [0, 0, 0], said
    assert all(err == "" for _, err in said)
    assert sum(int(out) for out, _ in said) == 300
    assert sorted(p.name for p in folder.iterdir()) == [user_cache.PRUNED]


def test_what_stopped_collects_left_in_a_used_workspace_s_tables_goes_a_day_later(
    tmp_path: Path,
) -> None:
    """A workspace collected every day is never pruned whole: a Parquet file a killed
    collect was writing, a list of tables not put in place, a table's file no table names
    any more are removed by the next collect that keeps a table, once a day old; what
    okrdesk does not name so, and what another collect may be writing now, stay."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "calls.csv").write_text("day,calls\n2026-01-06,10\n", encoding="utf-8")
    folder = TableCache(tmp_path).folder
    folder.mkdir(parents=True)
    left = [
        folder / ".calls-0123456789abcdef.parquet.4242.tmp",
        folder / ".tables.json.k2j4x9az.tmp",
        folder / "salons-fedcba9876543210.parquet",  # in no list: the list was never saved
    ]
    kept = [
        folder / ".calls-0123456789abcdef.parquet.4343.tmp",  # being written now
        folder / "notes.txt",
        folder / "calls.parquet",
    ]
    for path in left + kept:
        path.write_bytes(b"x" * 64)
        if path != kept[0]:
            _aged(path, 3)
    table = table_file("calls", "data/calls.csv", tmp_path, [])
    with duckdb.connect() as connection:
        load_table(connection, table, tmp_path, TableCache(tmp_path))
    assert [path.exists() for path in left] == [False] * 3
    assert [path.exists() for path in kept] == [True] * 3
    [named] = folder.glob("calls-*.parquet")
    assert named.name == TableCache(tmp_path).entries["calls"]["parquet"]
