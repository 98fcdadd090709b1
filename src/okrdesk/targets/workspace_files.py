"""The files a workspace is made of, and where ``--out`` may write: anywhere else.

A report or an export written over the database or a target file would
replace the numbers or the plan with a report, and one written over a file the
SQL source reads (a CRM export in data/) the export itself. The path is compared
after following symlinks and ``..``, and by file identity where both exist, so a
link or a relative path to the database is refused too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from okrdesk.errors import BadInput, Said
from okrdesk.targets.settings import SETTINGS_FILE, Workspace

_DATABASE_COMPANIONS = ("-wal", "-shm", "-journal")


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _same_file(one: Path, other: Path) -> bool:
    if _real(one) == _real(other):
        return True
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def _what_it_is(out: Path, workspace: Workspace) -> Said | None:
    database = workspace.database
    if _same_file(out, database):
        return Said("the workspace's database", "工作区的数据库")
    for suffix in _DATABASE_COMPANIONS:
        if _same_file(out, database.with_name(database.name + suffix)):
            return Said("a file of the workspace's database", "工作区数据库的文件")
    if _same_file(out, workspace.root / SETTINGS_FILE):
        return Said(f"the workspace's settings ({SETTINGS_FILE})",
                    f"工作区的设置（{SETTINGS_FILE}）")  # fmt: skip
    real = _real(out)
    # A new targets/*.toml is a target file too: the plan would read it.
    if (real.parent == _real(workspace.targets) and real.suffix == ".toml") or any(
        _same_file(out, p) for p in workspace.targets.glob("*.toml")
    ):
        return Said("a target file", "目标文件")
    if real.parent == _real(workspace.plugins) and real.suffix == ".py":
        return Said("a plugin of the workspace", "工作区的插件")
    for key, data in _sql_files(workspace):
        if _same_file(out, workspace.root / Path(data).expanduser()):
            return Said(
                f"a file the SQL source reads ({key})", f"由 SQL 来源读取的数据文件（{key}）"
            )
    return None


def _sql_files(workspace: Workspace) -> list[tuple[str, str]]:
    """(key, path) of each file ``[sources.sql]`` reads: its tables' files and its
    SQLite ``database``, as okrdesk.toml writes them."""
    sql = workspace.sources.get("sql", {})
    tables = sql.get("tables", {})
    found = [
        (f"sources.sql.tables.{name}", path)
        for name, table in (tables.items() if isinstance(tables, Mapping) else ())
        if isinstance(path := table.get("path") if isinstance(table, Mapping) else table, str)
    ]
    database = sql.get("database")
    return found + ([("sources.sql.database", database)] if isinstance(database, str) else [])


def check_out_path(out: Path, workspace: Workspace) -> None:
    """Refuse an ``--out`` that is one of the workspace's own files."""
    found = _what_it_is(out, workspace)
    if found is not None:
        raise BadInput(Said(
            f"--out {out}: that is {found.en}; choose another file. Nothing was written.",
            f"--out {out}：这是{found.zh}；请另选一个文件。未写入任何内容。",
        ))  # fmt: skip
