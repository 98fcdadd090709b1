"""Files written the way git and SQLite write them: all or nothing.

The content goes to a temporary file in the same folder, is flushed to
disk, and then replaces the target in one rename. A full disk or a crash
leaves the old file as it was; a write that fails says so as an
``OkrdeskError`` naming the file, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from okrdesk.errors import OkrdeskError, Said


class NotAFile(OSError):
    """A file to read that is no file: a named pipe, a socket, a device, a folder.
    Reading a named pipe waits for a writer, for ever; a command must refuse it, not
    hang."""


READ_AS_A_PATTERN = re.compile(r"[*?\[{]")
"""What DuckDB, which plugins read files with, reads in a path as a pattern of names, not
as the name itself (``data/c*``)."""


def opened_without_waiting(path: Path) -> BinaryIO:
    """The file at ``path`` open to read its bytes, opened without waiting: a named pipe
    opens at once, where a plain open waits for a writer, for ever; a terminal does not
    become the command's. What it opened may be no file: look (``os.fstat``) first."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    return open(os.open(path, flags), "rb", closefd=True)


def read_without_waiting(path: Path, most: int) -> tuple[int, bytes]:
    """The size of the file at ``path`` and its bytes (none when it is over ``most``),
    opened without waiting: a named pipe or any other thing that is no file raises
    ``NotAFile`` rather than blocking the command until something writes to it."""
    with opened_without_waiting(path) as file:
        found = os.fstat(file.fileno())
        if not stat.S_ISREG(found.st_mode):
            raise NotAFile(errno.EINVAL, _kind_of(found.st_mode), str(path))
        return found.st_size, (file.read() if found.st_size <= most else b"")


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    return "a device, not a file"


# The disk, not the program: these become a message about the file.
_DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS}


_REASONS_ZH = {
    errno.ENOENT: "没有这个文件或文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EROFS: "只读的文件系统",
    errno.EISDIR: "这是一个文件夹",
    errno.EEXIST: "已经存在",
}
"""The system's reasons a file operation fails most often, as a Chinese reader is told
them (the system's own words are English): a report's ``--out`` into a folder not made
yet, a workspace made where a file is, a read-only share."""


def reason_in(error: OSError, lang: str) -> str:
    """Why ``error`` happened, in ``lang``: the system's words in English, ``_REASONS_ZH``
    in Chinese where it has them."""
    reason = error.strerror or str(error)
    return _REASONS_ZH.get(error.errno or 0, reason) if lang == "zh" else reason


def _failed(path: Path, error: OSError) -> OkrdeskError:
    folder = path.parent
    if error.errno == errno.ENOENT and not folder.is_dir():
        return OkrdeskError(Said(
            f"{path}: could not write the file: there is no folder {folder}; nothing was written",
            f"{path}：无法写入该文件：文件夹 {folder} 不存在；未写入任何内容",
        ))  # fmt: skip
    reason, reason_zh = reason_in(error, "en"), reason_in(error, "zh")
    # A file that was not there is not "left as it was": there was nothing to leave.
    kept = ("it was left as it was", "文件保持原样") if path.exists() else (
        "nothing was written", "未写入任何内容")  # fmt: skip
    return OkrdeskError(Said(f"{path}: could not write the file ({reason}); {kept[0]}",
                             f"{path}：无法写入该文件（{reason_zh}）；{kept[1]}"))  # fmt: skip


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[int]:
    """A descriptor of a temporary file that replaces ``path`` when the block ends."""
    import tempfile  # here: a command that reads its cache folder writes nothing

    folder = path.parent
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise _failed(path, error) from None
    try:
        try:
            yield handle
        except OSError as error:
            if error.errno in _DISK_ERRORS:
                raise _failed(path, error) from None
            raise
        try:
            if path.exists():
                os.chmod(temporary, path.stat().st_mode & 0o777)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(temporary, 0o666 & ~umask)
            os.replace(temporary, path)
        except OSError as error:
            raise _failed(path, error) from None
        _sync_folder(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _sync_folder(folder: Path) -> None:
    # The rename is durable once the folder is on disk; some systems cannot
    # open a folder for that, and the file itself is already safe.
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _flush(path: Path, file: TextIO | BinaryIO) -> None:
    try:
        file.flush()
        os.fsync(file.fileno())
    except OSError as error:
        raise _failed(path, error) from None


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[TextIO]:
    """A UTF-8 text stream whose content becomes ``path`` when the block ends without error.

    Newlines are written as given (no translation), so a caller keeps a
    file's own line endings.
    """
    with _replacing(path) as handle, os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
        yield file
        _flush(path, file)


def write_text_atomically(path: Path, text: str) -> None:
    with atomic_writer(path) as file:
        file.write(text)


def write_bytes_atomically(path: Path, data: bytes) -> None:
    with _replacing(path) as handle, os.fdopen(handle, "wb") as file:
        file.write(data)
        _flush(path, file)


def copy_file_atomically(source: Path, target: Path) -> None:
    write_bytes_atomically(target, source.read_bytes())


@contextlib.contextmanager
def held_alone(path: Path) -> Iterator[None]:
    """``path``, a small file a command reads, changes and writes back whole (the list of
    trusted workspaces), held by this process alone for the block: two commands at once
    (a script trusting its workspaces side by side) each wrote back the list as it read
    it, and one's change was lost. The hold is an exclusive lock on ``path.lock`` beside
    it (``_locked``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # The lock's own file, empty, never written: what it holds is the lock.
    with _locked(path.with_name(f"{path.name}.lock"), os.O_RDWR | os.O_CREAT):
        yield


@contextlib.contextmanager
def folder_held_alone(folder: Path) -> Iterator[None]:
    """``folder``, whose files a command reads, changes and writes back (``okrdesk split``
    and the target files), held by this process alone for the block: two splits at once
    of key results in one file each wrote back the file as it had read it, and all but
    one's shares were lost, each saying it wrote them. The hold is an exclusive lock on
    the folder itself, so that no lock file appears among the target files."""
    with _locked(folder, os.O_RDONLY):
        yield


@contextlib.contextmanager
def _locked(path: Path, flags: int) -> Iterator[None]:
    """An exclusive lock on ``path`` (opened with ``flags``) for the block, which the
    system lets go when the process ends, however it ends. Where the system has no such
    lock (Windows), the block runs unheld."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    try:
        descriptor = os.open(path, flags, 0o600)
    except OSError as error:
        raise _failed(path, error) from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
