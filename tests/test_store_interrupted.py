"""`okrdesk store copy` and `okrdesk store upgrade` stopped part way (Ctrl-C) or failing on
a full disk: the source is as it was, and no target is left half written."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from okrdesk.store import SCHEMA_VERSION
from okrdesk.store.migrations import SCOPED_READ_INDEXES
from test_reliability import fill, tiny_disk  # noqa: F401 - the fixture, a real 512 KB filesystem
from test_store_copy_leaves import _source

OKRDESK = [sys.executable, "-m", "okrdesk"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rewound(path: Path, version: int = 19) -> Path:
    """The store as an okrdesk of schema 19 left it (no notes of hand edits, no plan's
    unit or id with runs and spend, no mark of a zero for no rows), its log folded in:
    one file."""
    with closing(sqlite3.connect(path)) as connection:
        for trigger in ("inserted", "updated", "deleted"):
            connection.execute(f"DROP TRIGGER observations_{trigger}_by_hand")
        connection.execute("DROP TABLE hand_edits")
        connection.execute("DROP TABLE okrdesk_writes")
        for index in re.findall(r"INDEX (\w+)", SCOPED_READ_INDEXES):  # schema 28's
            connection.execute(f"DROP INDEX {index}")
        for column in ("moved_from", "moved", "plan_id", "plan_unit"):
            connection.execute(f"ALTER TABLE spend DROP COLUMN {column}")
        connection.execute("ALTER TABLE runs DROP COLUMN plan_unit")
        connection.execute("ALTER TABLE runs DROP COLUMN subjects")
        connection.execute("ALTER TABLE observations DROP COLUMN no_rows")  # schema 26's
        for column in ("moved_from", "moved"):  # schema 27's
            connection.execute(f"ALTER TABLE checkins DROP COLUMN {column}")
        connection.execute("ALTER TABLE runs DROP COLUMN moved_from")
        connection.execute("ALTER TABLE runs DROP COLUMN kinds")  # schema 29's
        connection.execute("ALTER TABLE runs DROP COLUMN bases")  # schema 30's
        connection.execute("ALTER TABLE runs DROP COLUMN kept")  # schema 31\'s
        connection.execute("ALTER TABLE runs DROP COLUMN stored_order")  # schema 32\'s
        connection.execute(f"PRAGMA user_version = {version:d}")
        connection.commit()
        connection.execute("PRAGMA journal_mode = DELETE")
    return path


def _state(path: Path) -> tuple[int, int, str]:
    """The schema, the observations held and SQLite's own check of the file."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as file:
        return (
            int(file.execute("PRAGMA user_version").fetchone()[0]),
            int(file.execute("SELECT count(*) FROM observations").fetchone()[0]),
            str(file.execute("PRAGMA integrity_check").fetchone()[0]),
        )


def _interrupted(args: list[str], ready: object, env: dict[str, str] | None = None) -> str:
    """Run okrdesk with ``args``, press Ctrl-C (SIGINT) once ``ready()`` holds; what it
    said on standard error. It must have stopped, not finished."""
    running = subprocess.Popen(
        [*OKRDESK, *args, "--lang", "en"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, **(env or {})},
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not ready() and running.poll() is None and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.002)
    running.send_signal(signal.SIGINT)
    out, err = running.communicate(timeout=60)
    assert running.returncode == 130, out + err
    assert "Traceback" not in err
    return err


def test_a_copy_of_an_older_store_stopped_part_way_leaves_nothing_anywhere(
    tmp_path: Path,
) -> None:
    """Stopped while it upgraded the temporary copy of the source, or copied from it:
    the source's bytes are as they were, and neither the copy nor the temporary one is
    left (each would read as a store)."""
    source = _rewound(_source(tmp_path / "okrdesk.db", people=600))
    before = _digest(source)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    target = tmp_path / "copy.db"

    def upgrading() -> bool:
        # (Not before: Python's tempfile first proves the folder writable with a file of
        # its own, which a Ctrl-C in that instant leaves behind.)
        return any(scratch.glob("okrdesk-copy-*"))

    _interrupted(["store", "copy", str(source), str(target)], upgrading, {"TMPDIR": str(scratch)})
    assert _digest(source) == before and _state(source)[0] == 19
    assert list(scratch.iterdir()) == []
    assert sorted(tmp_path.glob("copy.db*")) == []

    _interrupted(["store", "copy", str(source), str(target)], target.exists,
                 {"TMPDIR": str(scratch)})  # fmt: skip
    assert _digest(source) == before
    assert list(scratch.iterdir()) == []
    assert sorted(tmp_path.glob("copy.db*")) == []


def _copy_of(source: Path, target: Path, scratch: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*OKRDESK, "store", "copy", str(source), str(target), "--lang", "en"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )  # fmt: skip


def _upgrading_in(scratch: Path, running: subprocess.Popen[str], known: set[Path]) -> Path:
    """The temporary folder ``running`` made in ``scratch``, once it is there, beside the
    ``known`` ones."""
    deadline = time.monotonic() + 30
    while not (found := set(scratch.glob("okrdesk-copy-*")) - known):
        assert running.poll() is None and time.monotonic() < deadline, running.communicate()
        time.sleep(0.002)
    (made,) = found
    return made


def test_a_copy_killed_outright_leaves_its_temporary_copy_only_until_the_next_copy(
    tmp_path: Path,
) -> None:
    """SIGKILL (the out-of-memory killer) removes nothing: the temporary copy an older
    store was upgraded in stayed in TMPDIR for good, a whole copy of the store. The next
    copy removes it, but never the folder of a copy still running (here stopped with
    SIGSTOP), of another machine sharing the folder, or of a name it did not make."""
    source = _rewound(_source(tmp_path / "okrdesk.db", people=600))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    theirs = [scratch / "okrdesk-copy-00000000-1-1-abc", scratch / "okrdesk-copy-k3v9x"]
    for folder in theirs:
        folder.mkdir()
    killed = _copy_of(source, tmp_path / "first.db", scratch)
    left = _upgrading_in(scratch, killed, set(theirs))
    killed.kill()
    killed.communicate()
    assert left.exists()

    paused = _copy_of(source, tmp_path / "second.db", scratch)
    running = _upgrading_in(scratch, paused, {left, *theirs})
    paused.send_signal(signal.SIGSTOP)
    try:
        after = subprocess.run(
            [*OKRDESK, "store", "copy", str(source), str(tmp_path / "third.db"), "--lang", "en"],
            capture_output=True, text=True, check=False, env={**os.environ, "TMPDIR": str(scratch)},
        )  # fmt: skip
        assert after.returncode == 0, after.stdout + after.stderr
        assert not left.exists()
        assert running.exists() and all(folder.exists() for folder in theirs)
    finally:
        paused.send_signal(signal.SIGCONT)
    out, err = paused.communicate(timeout=60)
    assert paused.returncode == 0, out + err
    assert sorted(scratch.iterdir()) == sorted(theirs)
    assert _state(tmp_path / "second.db")[1] == 600 * 53


def test_a_copy_replacing_a_store_and_stopped_leaves_that_store_whole(tmp_path: Path) -> None:
    """--replace empties the target and fills it in one transaction: stopped between,
    the target still holds what it held, never part of each."""
    source = _source(tmp_path / "okrdesk.db", people=600)
    target = _source(tmp_path / "backup.db", people=3)
    held = _state(target)
    log = tmp_path / "backup.db-wal"

    def writing() -> bool:
        return log.exists() and log.stat().st_size > 1 << 20

    _interrupted(["store", "copy", str(source), str(target), "--replace"], writing)
    assert _state(target) == held
    assert _state(source)[1] == 600 * 53


def test_a_copy_of_an_older_store_with_no_room_to_upgrade_it_says_where(
    tmp_path: Path,
    tiny_disk: Path,  # noqa: F811
) -> None:
    """The temporary copy the older store is upgraded in was named as the disk that was
    full: a file that no longer exists once the message is read."""
    source = _rewound(_source(tmp_path / "okrdesk.db", people=200))
    before = _digest(source)
    done = subprocess.run(
        [*OKRDESK, "store", "copy", str(source), str(tmp_path / "copy.db"), "--lang", "en"],
        capture_output=True, text=True, check=False, env={**os.environ, "TMPDIR": str(tiny_disk)},
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    said = " ".join(done.stderr.split())
    assert f"{source} is of schema 19, so it is upgraded in a temporary copy in {tiny_disk}" in said
    assert "the disk is full" in said and "set TMPDIR to a folder on a disk with room" in said
    assert "Traceback" not in done.stderr
    assert _digest(source) == before
    assert list(tiny_disk.iterdir()) == [] and sorted(tmp_path.glob("copy.db*")) == []


def test_an_upgrade_that_fills_the_disk_leaves_the_store_at_its_schema(
    tmp_path: Path,
    tiny_disk: Path,  # noqa: F811
) -> None:
    """Every migration runs in the one transaction that records the version: on a full
    disk none of them is kept, and the store is the older okrdesk's, whole."""
    store = _rewound(_source(tiny_disk / "okrdesk.db", people=4))
    before = _digest(store)
    filler = fill(tiny_disk)
    done = subprocess.run(
        [*OKRDESK, "store", "upgrade", str(store), "--lang", "zh"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{store}：磁盘已满" in done.stderr and "此前保存的一切完好无损" in done.stderr
    assert _digest(store) == before
    assert _state(store) == (19, 4 * 53, "ok")
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler", "okrdesk.db"]
    filler.unlink()
    again = subprocess.run([*OKRDESK, "store", "upgrade", str(store), "--lang", "en"],
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"upgraded okrdesk's tables from schema 19 to {SCHEMA_VERSION}" in again.stdout


def test_an_upgrade_stopped_midway_keeps_none_of_its_migrations(tmp_path: Path) -> None:
    """Stopped after some migrations ran (here by the third failing on a column added by
    hand, as Ctrl-C or a full disk would stop it at any of them), the store is still the
    one the older okrdesk wrote, byte for byte: the first two were rolled back with it,
    and it keeps its rollback journal (it was put in WAL mode before the migrations, which
    a failed one left so)."""
    store = _rewound(_source(tmp_path / "okrdesk.db", people=4))
    with closing(sqlite3.connect(store)) as connection:
        connection.execute("ALTER TABLE spend ADD COLUMN plan_unit TEXT")  # what 22 adds
        connection.commit()
    before = _digest(store)
    done = subprocess.run([*OKRDESK, "store", "upgrade", str(store), "--lang", "en"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "duplicate column name: plan_unit" in done.stderr
    assert "Traceback" not in done.stderr
    assert _state(store) == (19, 4 * 53, "ok")
    with closing(sqlite3.connect(f"{store.as_uri()}?mode=ro", uri=True)) as file:
        made = {name for (name,) in file.execute("SELECT name FROM sqlite_master")}
        journal = file.execute("PRAGMA journal_mode").fetchone()[0]
    assert "hand_edits" not in made and "okrdesk_writes" not in made  # made by 20
    assert journal == "delete"
    assert _digest(store) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["okrdesk.db"]
