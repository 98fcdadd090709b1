"""Copy okrdesk's store between SQLite and PostgreSQL, in either direction; create or
upgrade a store's tables (``okrdesk store upgrade``).

Every row of every table is copied as it is, ids included, in one
transaction on the target, which then adds up its own totals of each period and
each subject's running totals (``period_totals``, ``running_totals``: kept from the
rows, never copied); before it commits, each
table's row count and column sums are read back from the target and compared
with the source's.
A target that already holds rows is only overwritten when asked.
Nothing is written to the source: one of an older schema is upgraded in a temporary
copy of it, which is copied from.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from okrdesk.errors import BadInput, OkrdeskError, Said
from okrdesk.store import SCHEMA_VERSION, Store, is_postgres_url
from okrdesk.store.base import SUMMED, TABLES
from okrdesk.store.hand_changes import edits_copied

Check = tuple[int, tuple[float, ...]]


COPIED = Said("Copied {source} to {target}:", "已将 {source} 复制到 {target}：")
"""What ``okrdesk store copy`` says before its line for each table."""


def location(argument: str) -> Path | str:
    """A command-line argument as a store location: a URL, else a file path."""
    return argument if is_postgres_url(argument) else Path(argument).expanduser()


def copy_store(source: Path | str, target: Path | str, *, replace: bool) -> list[Said]:
    """Copy ``source`` into ``target``; one line per table saying what was checked."""
    from okrdesk.store.copy_scratch import clear_left_copies

    clear_left_copies()
    if _same(source, target):
        raise BadInput(Said(f"{source} and {target} are the same store; nothing was copied",
                            f"{source} 与 {target} 是同一个数据库；未复制任何内容"))  # fmt: skip
    if isinstance(source, Path) and not source.exists():
        raise BadInput(Said(f"{source}: no such database; nothing was copied",
                            f"{source}：没有这个数据库；未复制任何内容"))  # fmt: skip
    made = target if isinstance(target, Path) and not os.path.lexists(target) else None
    if isinstance(target, Path) and not _writable_here(target):
        raise BadInput(Said(
            f"{target} is read-only here: the copy cannot be written there; nothing was "
            "copied. Copy to a file in a folder you can write",
            f"{target} 在此处只读：副本无法写入该处；未复制任何内容。请复制到你可写入的文件夹中",
        ))  # fmt: skip
    try:
        return _copy(source, target, replace=replace)
    except BaseException:
        # Stopped or failed, a file the copy made is no store of anything: an empty one
        # read as a copy that holds nothing, and one the disk filled up left the disk full
        # (its write-ahead log, which SQLite cannot fold into the file there, kept).
        if made is not None:
            _remove_made(made)
        raise


def _writable_here(target: Path) -> bool:
    """Whether the copy may write ``target``, or make it in its folder (a folder not there
    is named when the store is opened)."""
    if os.path.lexists(target):
        return os.access(target, os.W_OK)
    return not target.parent.is_dir() or os.access(target.parent, os.W_OK | os.X_OK)


def _remove_made(target: Path) -> None:
    for name in (target.name, *(f"{target.name}-{end}" for end in ("wal", "shm", "journal"))):
        with contextlib.suppress(OSError):
            (target.parent / name).unlink()


def _copy(source: Path | str, target: Path | str, *, replace: bool) -> list[Said]:
    with (
        _at_this_schema(source) as (readable, older),
        # The copy adds up its own totals: edits the source cannot add up here wait there.
        Store.open(readable, create=False, rows_only=True) as origin,
        Store.open(target) as destination,
        origin.reading(),  # one state of the source, whatever commits to it meanwhile
    ):
        origin.location = str(source)  # not the temporary copy of an older one
        refused = destination.refuses_load()
        if refused is not None:
            raise OkrdeskError(refused)
        held = sum(destination.table_check(table)[0] for table in TABLES)
        if held and not replace:
            raise BadInput(Said(
                f"{destination.location} already holds {held:,} {'row' if held == 1 else 'rows'}; "
                f"add --replace to overwrite {'it' if held == 1 else 'them'}. Nothing was copied.",
                f"{destination.location} 中已有 {held:,} 行数据；如要覆盖，请加 --replace。"
                "未复制任何内容。",
            ))  # fmt: skip
        with destination.transaction():
            if held:
                destination.empty_tables()
            for table in TABLES:
                columns = origin.columns(table)
                if columns != destination.columns(table):
                    raise OkrdeskError(Said(
                        f"the {table} table has different columns in {origin.location} and "
                        f"{destination.location}; nothing was copied",
                        f"{table} 表在 {origin.location} 与 {destination.location} 中的列不同；"
                        "未复制任何内容",
                    ))  # fmt: skip
                destination.load_rows(table, columns, origin.table_rows(table, columns))
            try:
                destination.total_every_period()
            except Exception:
                # Rows the source holds as they are but cannot be added up (a period of
                # two spans, moved by hand before okrdesk noted hand edits): named there.
                told = _told_apart(origin)
                if told is None:
                    raise
                raise BadInput(told) from None
            destination.after_load()
            # Read back inside the transaction: a mismatch rolls the copy back.
            checked = [_checked(table, origin, destination) for table in TABLES]
    if origin.edits_not_taken is not None:
        checked.append(edits_copied(origin.location, *origin.edits_not_taken))
    if older is not None:
        checked.append(Said(
            f"{source} is of schema {older}: it was upgraded to {SCHEMA_VERSION} in a temporary "
            "copy, which was copied; the file itself was left as it was.",
            f"{source} 的结构版本为 {older}：已在一个临时副本中升级到 {SCHEMA_VERSION} 后复制；"
            "该文件本身未作改动。",
        ))  # fmt: skip
    return checked


@contextlib.contextmanager
def _at_this_schema(source: Path | str) -> Iterator[tuple[Path | str, int | None]]:
    """``source``, or where it is an SQLite file of an older schema, a copy of it upgraded
    in a temporary folder, removed again afterwards, and the schema it was of: the source
    itself is only read, and stays openable by the okrdesk that wrote it. A server's older
    schema is its owner's to upgrade (``Store.open(rows_only=True)`` says so)."""
    if not isinstance(source, Path) or not source.exists():
        yield source, None
        return
    from okrdesk.store.sqlite import SqliteStore, snapshot

    version = SqliteStore.version_of(source)
    if version is None or version >= SCHEMA_VERSION:
        yield source, None
        return
    import tempfile  # here: only a copy from an older store needs it

    from okrdesk.store.copy_scratch import copy_folder

    with copy_folder() as folder:
        upgraded = folder / source.name
        try:
            snapshot(source, upgraded)
            with Store.open(upgraded, create=False):
                pass  # upgraded to this okrdesk's schema as it is opened
        except OkrdeskError as error:
            # Said of a file that is gone once this is read: say where it was, and why.
            raise type(error)(Said(
                f"{source} is of schema {version}, so it is upgraded in a temporary copy in "
                f"{tempfile.gettempdir()} (TMPDIR), never in place; that failed: {error.said.en}. "
                f"Nothing was copied and {source} was not changed; where that disk is full, set "
                "TMPDIR to a folder on a disk with room for a copy of the store",
                f"{source} 的结构版本为 {version}，因此在 {tempfile.gettempdir()}（TMPDIR）中的"
                f"临时副本里升级，从不就地升级；这一步失败了：{error.said.text('zh')}。未复制任何"
                f"内容，{source} 未作改动；若该磁盘已满，请把 TMPDIR 设为有空间容纳一份数据库"
                "副本的磁盘上的文件夹",
            )) from None  # fmt: skip
        yield upgraded, version


def _told_apart(origin: Store) -> Said | None:
    """Why the source's rows could not be added up, where it is a period of two spans;
    None where it is not, or the source cannot be asked (the first error is said)."""
    try:
        return origin.periods_told_apart()
    except Exception:
        return None


def upgrade_store(target: Path | str) -> Said:
    """Create okrdesk's tables at ``target``, or upgrade them to this okrdesk's schema;
    what it found and left. On a server, the role that runs it owns what it creates."""
    if isinstance(target, Path) and not target.exists():
        raise BadInput(Said(f"{target}: no such database; nothing was changed",
                            f"{target}：没有这个数据库；未改动任何内容"))  # fmt: skip
    # A file is opened as it is (read-only where it cannot be written): one of this
    # okrdesk's schema on a read-only share needs nothing, and is told so.
    with Store.open(target, create=not isinstance(target, Path)) as store:
        version = store.schema_version
        where = store.location
        differs = store.unlike_made()
        # As found under the schema lock: of several upgrades at once, one did the work.
        before = None if store.migrated_from == 0 else store.migrated_from or version
    if differs:
        # Opening it upgraded an older schema before its tables could be looked at.
        done = (
            Said(f"It upgraded them from schema {before} first; nothing else was changed.",
                 f"已先把它们从结构版本 {before} 升级，其他未作改动。")
            if before is not None and before < version
            else Said("Nothing was changed.", "未改动任何内容。")
        )  # fmt: skip
        raise OkrdeskError(Said(
            f"{where}: okrdesk's tables are at schema {version}, but not as okrdesk made them: "
            f"{'; '.join(d.en for d in differs)}. Someone changed them by hand; okrdesk cannot "
            "put back what was dropped: rename back what was renamed, or restore the database "
            f"from a backup. {done.en}",
            f"{where}：okrdesk 的数据表结构版本为 {version}，但已不是 okrdesk 建的样子："
            f"{'；'.join(d.zh for d in differs)}。有人手工改动过它们；okrdesk 无法找回被删掉的"
            f"部分：请把改了名的改回来，或从备份恢复数据库。{done.zh}",
        ))  # fmt: skip
    if before is None:
        return Said(f"{where}: created okrdesk's tables (schema {version}).",
                    f"{where}：已建好 okrdesk 的数据表（结构版本 {version}）。")  # fmt: skip
    if before < version:
        return Said(
            f"{where}: upgraded okrdesk's tables from schema {before} to {version}.",
            f"{where}：已把 okrdesk 的数据表从结构版本 {before} 升级到 {version}。",
        )
    return Said(f"{where}: okrdesk's tables are at schema {version}, this okrdesk's.",
                f"{where}：okrdesk 的数据表已是本版本的结构（版本 {version}）。")  # fmt: skip


def _checked(table: str, origin: Store, destination: Store) -> Said:
    expected, found = origin.table_check(table), destination.table_check(table)
    if not _agree(expected, found):
        raise OkrdeskError(Said(
            f"the copy of {table} does not add up ({_describe(table, expected, 'en')} in "
            f"{origin.location}, {_describe(table, found, 'en')} in {destination.location}); "
            "nothing was copied",
            f"{table} 的副本核对不上（{origin.location} 中{_describe(table, expected, 'zh')}，"
            f"{destination.location} 中{_describe(table, found, 'zh')}）；未复制任何内容",
        ))  # fmt: skip
    return Said(f"{table}: {_describe(table, found, 'en')}, as in the source",
                f"{table}：{_describe(table, found, 'zh')}，与源一致")  # fmt: skip


def _agree(expected: Check, found: Check) -> bool:
    # Floating-point sums may differ in their last digits with the order of adding.
    return expected[0] == found[0] and all(
        math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
        for a, b in zip(expected[1], found[1], strict=True)
    )


def _describe(table: str, check: Check, lang: str) -> str:
    count, sums = check
    columns = zip(SUMMED[table], sums, strict=True)
    if lang == "zh":
        summed = "，".join(f"{column} 合计 {_number(total, count)}" for column, total in columns)
        return f"{count:,} 行，{summed}"
    shown = ", ".join(f"sum of {column} {_number(total, count)}" for column, total in columns)
    return f"{count:,} {'row' if count == 1 else 'rows'}, {shown}"


def _number(value: float, rows: int) -> str:
    """A sum of ``rows`` rows as its reader checks it against the source's: with the fewest
    decimals that stay within what adding them as floats may have put out (9,311.25, not
    the 9311.250000000002 that adding the rows in another order can give; a firm's
    656,839,057.14, not the 656,839,057.139999 that fifteen digits kept), thousands
    marked."""
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    noise = min(max(rows, 1) * sys.float_info.epsilon, 1e-10) * abs(value)
    for places in range(16):
        if abs(round(value, places) - value) <= noise:
            return f"{round(value, places):,.{places}f}"
    return f"{float(f'{value:.15g}'):,}"


def _same(source: Path | str, target: Path | str) -> bool:
    if isinstance(source, Path) and isinstance(target, Path):
        if source.resolve() == target.resolve():
            return True
        # Two names of one file (a hard link): SQLite keeps a log beside each name, and
        # two logs of one file undo each other's pages.
        try:
            return os.path.samefile(source, target)
        except OSError:
            return False
    return source == target
