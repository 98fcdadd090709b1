"""`okrdesk store copy` only reads its source: a backup copied from an older store leaves
that store as the okrdesk that wrote it can open it, and the copy is at this okrdesk's
schema."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from backends import Backend
from okrdesk.store import SCHEMA_VERSION, Store
from sample_workspace import WriteWorkspace
from test_hand_edits import _delete_row, _one_row, _sqlite_collected

OKRDESK = [sys.executable, "-m", "okrdesk"]
ENTRY = (
    "INSERT INTO spend (line, day, amount_fen, signed_by, note, recorded, plan_unit) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _folder(path: Path) -> dict[str, str]:
    """Every file beside the store (its log too), by content; not the lock files SQLite
    keeps beside a store in WAL mode for any reader (its index, and an empty log)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.parent.iterdir())
        if p.is_file()
        and not p.name.endswith("-shm")
        and not (p.name.endswith("-wal") and p.stat().st_size == 0)
    }


def _version(path: Path) -> int:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as file:
        return int(file.execute("PRAGMA user_version").fetchone()[0])


def test_a_copy_of_an_older_store_leaves_the_store_as_it_was(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """The copy upgraded its source from schema 23 in place (and put it in WAL mode): the
    okrdesk that wrote it, on the machine the backup was taken from, could no longer open
    the store it had to keep using."""
    backend = Backend("sqlite", None, write_workspace)
    root = backend.workspace()
    row = ("training", "2026-03-02", 1_000_000, '["王芳"]', "春季培训", "t", "branch")
    backend.of_schema(root, 23, [(ENTRY, row)])
    source = root / "okrdesk.db"
    before = _folder(source)

    for lang, told in (
        ("en", f"{source} is of schema 23: it was upgraded to {SCHEMA_VERSION} in a temporary "
               "copy, which was copied; the file itself was left as it was."),
        ("zh", f"{source} 的结构版本为 23：已在一个临时副本中升级到 {SCHEMA_VERSION} 后复制；"
               "该文件本身未作改动。"),
    ):  # fmt: skip
        target = tmp_path / f"copy-{lang}.db"
        done = subprocess.run(
            [*OKRDESK, "store", "copy", str(source), str(target), "--lang", lang],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert told in done.stdout
        assert _folder(source) == before
        assert _version(source) == 23
        assert _version(target) == SCHEMA_VERSION
        with Store.open(target, create=False) as copied:
            (entry,) = copied.spend()
        assert (entry.line, entry.amount, entry.plan_unit) == ("training", 10_000, "branch")


def test_a_copy_leaves_the_hand_edits_of_its_source_waiting_there(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """Copying from a store that can be written added up its hand edits there: a command
    that should only read it wrote to it. The copy adds them up from the rows it copies."""
    backend, root = _sqlite_collected(write_workspace)
    period, subject, _ = _one_row(backend, root)
    _delete_row(backend, root, period, subject)
    source = root / "okrdesk.db"
    before = _folder(source)
    done = subprocess.run(
        [*OKRDESK, "store", "copy", str(source), str(tmp_path / "copy.db"), "--lang", "en"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    said = " ".join(done.stdout.split())
    assert f"figures of new_hnw_clients ({period}) were changed outside okrdesk" in said
    assert "where a copy only reads it: the copy's totals are added up from the rows" in said
    assert _folder(source) == before
    with closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)) as file:
        assert file.execute("SELECT count(*) FROM hand_edits").fetchone()[0] == 1


def test_a_servers_older_schema_is_not_upgraded_by_a_copy_from_it(
    write_workspace: WriteWorkspace, postgres_url: str, tmp_path: Path
) -> None:
    backend = Backend("postgresql", postgres_url, write_workspace)
    root = backend.workspace()
    backend.of_schema(root, 23)
    target = tmp_path / "copy.db"
    for lang, told in (
        ("en", "holds okrdesk's tables of schema 23; this okrdesk copies from schema "
               f"{SCHEMA_VERSION}, and a copy never changes its source"),
        ("zh", f"本版本 okrdesk 只从结构版本 {SCHEMA_VERSION} 复制，且复制从不改动源数据库"),
    ):  # fmt: skip
        done = subprocess.run(
            [*OKRDESK, "store", "copy", postgres_url, str(target), "--lang", lang],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 2, done.stdout + done.stderr
        assert told in " ".join(done.stderr.split())
        assert "Traceback" not in done.stderr
        assert not target.exists()
    import psycopg

    with psycopg.connect(postgres_url) as server:
        assert server.execute(b"SELECT version FROM okrdesk_schema").fetchone() == (23,)
