"""A workspace okrdesk may read but not write: a read-only share a head office
publishes, a medium someone sends, a folder of someone else's. The reading commands
give what they give on the same workspace written; the storing ones refuse plainly;
nothing is changed. The workspace is bind-mounted over itself read-only
(``test_reliability.read_only_mount``: root cannot be kept out by file modes),
which is skipped where mounting is not allowed."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from click.testing import CliRunner, Result

from okrdesk.cli import cli
from okrdesk.store import MIGRATIONS, SCHEMA_VERSION
from sample_workspace import WriteWorkspace
from test_reliability import read_only_mount

THROUGH = "2026-03-15"
AS_OF = "2026-03-15"


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def collected(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace()
    done = run(root, "collect", "--through", THROUGH)
    assert done.exit_code == 0, done.output
    return root


@contextlib.contextmanager
def figures_in_the_log_alone(root: Path) -> Iterator[None]:
    """While open, the workspace's store has new figures of new_hnw_clients (each 1,000
    more) committed to its write-ahead log and not yet to the file: a copy taken then
    has them in the log alone. Closing puts them in the file and takes the log away."""
    with contextlib.closing(sqlite3.connect(root / "okrdesk.db", isolation_level=None)) as writer:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        # Written as okrdesk's own collect writes, marked as its own: not a hand edit.
        writer.execute("BEGIN")
        writer.execute("INSERT INTO okrdesk_writes VALUES (1)")
        writer.execute(
            "UPDATE observations SET value = value + 1000 WHERE metric = 'new_hnw_clients'"
        )
        writer.execute("DELETE FROM okrdesk_writes")
        writer.execute("COMMIT")
        yield


def restated(root: Path) -> list[float]:
    """new_hnw_clients' figures as ``okrdesk export`` reads them."""
    exported = run(root, "export", "--format", "csv").output.splitlines()
    return [float(line.split(",")[5]) for line in exported if line.startswith("new_hnw_clients,")]


READS = [
    ["report", "--as-of", AS_OF],
    ["history", "O1.KR1"],
    ["due", "--as-of", AS_OF],
    ["report", "--as-of", AS_OF, "--format", "json", "--lang", "en"],
    ["check", "--as-of", AS_OF],
    ["explain", "O1.KR1", "--as-of", AS_OF],
    ["export", "--format", "csv"],
]


def test_the_reading_commands_read_a_read_only_workspace_as_written(
    write_workspace: WriteWorkspace,
) -> None:
    root = collected(write_workspace)
    written = {tuple(command): run(root, *command) for command in READS}
    with read_only_mount(root):
        for command in READS:
            done = run(root, *command)
            assert done.exit_code == written[tuple(command)].exit_code, (command, done.output)
            assert done.output == written[tuple(command)].output, command


def test_the_storing_commands_refuse_a_read_only_workspace_plainly(
    write_workspace: WriteWorkspace,
) -> None:
    root = collected(write_workspace)
    spend = ["spend", "add", "training", "1", "--date", "2026-03-01", "--signed-by", "cm01"]
    assert run(root, *spend).exit_code == 0
    reverse = ["spend", "reverse", "1", "--reason", "录错", "--signed-by", "cm01"]
    with read_only_mount(root):
        for command in (["collect", "--through", THROUGH], spend, reverse):
            done = run(root, *command, "--lang", "en")
            assert done.exit_code == 2, (command, done.output)
            assert done.output == (
                f"{root / 'okrdesk.db'} is read-only here, and this command stores to the "
                "workspace's database: run it where the workspace can be written\n"
            )
        chinese = run(root, *spend, "--lang", "zh")
        assert chinese.exit_code == 2
        assert chinese.output == (
            f"{root / 'okrdesk.db'} 在此处只读，而本命令要写入工作区的数据库："
            "请在工作区可写的地方运行\n"
        )


def test_a_store_of_an_older_schema_is_named_not_upgraded(
    write_workspace: WriteWorkspace,
) -> None:
    import sqlite_utils

    root = write_workspace()
    with contextlib.closing(sqlite3.connect(root / "okrdesk.db")) as connection:
        for migration in MIGRATIONS[:-1]:
            migration(sqlite_utils.Database(connection))
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
        connection.commit()
    with read_only_mount(root):
        done = run(root, "report", "--as-of", AS_OF, "--lang", "en")
    assert done.exit_code == 2
    assert done.output == (
        f"{root / 'okrdesk.db'} was written by an older okrdesk (schema {SCHEMA_VERSION - 1}) "
        "and cannot be upgraded here, where it is read-only: run any okrdesk command on it "
        "once where it can be written, or copy the workspace\n"
    )


def test_store_upgrade_of_a_read_only_store_says_what_it_found(
    write_workspace: WriteWorkspace,
) -> None:
    """A store of this okrdesk's schema needs no upgrade, and is told so: it was refused as
    a command that stores ("run it where the workspace can be written"); an older one is
    named as every command names it."""
    import sqlite_utils

    root = collected(write_workspace)
    store = root / "okrdesk.db"
    with read_only_mount(root):
        done = CliRunner().invoke(cli, ["store", "upgrade", str(store), "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert (
        done.output
        == f"{store}: okrdesk's tables are at schema {SCHEMA_VERSION}, this okrdesk's.\n"
    )
    store.unlink()
    with contextlib.closing(sqlite3.connect(store)) as connection:
        for migration in MIGRATIONS[:-1]:
            migration(sqlite_utils.Database(connection))
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
        connection.commit()
    with read_only_mount(root):
        done = CliRunner().invoke(cli, ["store", "upgrade", str(store), "--lang", "en"])
    assert done.exit_code == 2
    assert f"{store} was written by an older okrdesk (schema {SCHEMA_VERSION - 1})" in done.output
    assert "cannot be upgraded here, where it is read-only" in done.output
    with contextlib.closing(sqlite3.connect(store)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION - 1,)


def test_a_copy_onto_a_read_only_share_says_so_of_the_copy(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """It was told as a command that stores to the workspace's database, "run it where the
    workspace can be written", of a copy that no workspace has anything to do with."""
    root = collected(write_workspace)
    source = tmp_path / "kept.db"
    shutil.copyfile(root / "okrdesk.db", source)
    with read_only_mount(root):
        for target, replace in ((root / "copy.db", []), (root / "okrdesk.db", ["--replace"])):
            for lang, said in (
                ("en", f"{target} is read-only here: the copy cannot be written there; nothing "
                       "was copied. Copy to a file in a folder you can write\n"),
                ("zh", f"{target} 在此处只读：副本无法写入该处；未复制任何内容。"
                       "请复制到你可写入的文件夹中\n"),
            ):  # fmt: skip
                done = CliRunner().invoke(
                    cli, ["store", "copy", str(source), str(target), *replace, "--lang", lang]
                )
                assert done.exit_code == 2, done.output
                assert done.output == said
    assert not (root / "copy.db").exists()


def test_a_store_is_read_through_its_write_ahead_log_and_refused_without_its_index(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """Copied while a writer had it open: the latest figures are in the log alone."""
    root = collected(write_workspace)
    copy = tmp_path / "copy"
    with figures_in_the_log_alone(root):
        shutil.copytree(root, copy)
    assert (copy / "okrdesk.db-wal").stat().st_size > 0
    with read_only_mount(copy):
        values = restated(copy)
    assert values and all(v > 1000 for v in values)
    (copy / "okrdesk.db-shm").unlink()
    with read_only_mount(copy):
        done = run(copy, "report", "--as-of", AS_OF, "--lang", "en")
    assert done.exit_code == 2
    assert done.output == (
        f"{copy / 'okrdesk.db'} is read-only here and has a write-ahead log (okrdesk.db-wal) "
        "without its index (okrdesk.db-shm), which SQLite would have to create: copy the "
        "workspace to a folder you can write, or open it once where it can be\n"
    )


def test_a_linked_store_is_read_through_the_log_beside_what_it_links_to(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = collected(write_workspace)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    files = ("okrdesk.db", "okrdesk.db-wal", "okrdesk.db-shm")
    with figures_in_the_log_alone(root):
        for name in files:
            shutil.copyfile(root / name, elsewhere / name)
    for name in files:
        (root / name).unlink(missing_ok=True)
    (root / "okrdesk.db").symlink_to(elsewhere / "okrdesk.db")
    # A store outside the workspace is one it reaches out to: used once trusted.
    refused = run(root, "export", "--format", "csv")
    assert refused.exit_code == 2 and "此工作区指向其文件夹之外" in refused.output
    assert run(root, "trust").exit_code == 0
    with read_only_mount(root):
        values = restated(root)
    assert values and all(v > 1000 for v in values)
