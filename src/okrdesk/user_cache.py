"""okrdesk's folder in the user's own cache, and how long what it keeps there stays.

What okrdesk keeps only to go faster (a plan read before, what okrdesk.toml said,
the SQL source's tables) lives under $XDG_CACHE_HOME/okrdesk, else
~/.cache/okrdesk, never in a workspace: a workspace someone sends you cannot
bring figures or a plan its files do not say. Those caches keep an entry per
workspace (or per settings file), so a user whose reports run on a fresh clone
in a new folder each time would gather entries without end. An entry not used
for ``KEPT_DAYS`` is removed the next time okrdesk writes one beside it, which
costs that workspace, if it comes back, one reading of its files.

An entry is marked used (its time moved to now) when it is read and its time is
more than a day old (or ahead, from a clock set wrong), so a workspace read every
week keeps its entry and a command that finds its entry fresh writes nothing. Only
names okrdesk itself gives entries are ever removed (see ``ENTRY``), and a folder is
looked through at most once a day (``PRUNED``).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from pathlib import Path

KEPT_DAYS = 30
"""How long an entry no command has used is kept."""

_DAY = 24 * 60 * 60

ENTRY = re.compile(r"\.?[0-9a-f]{32}(\.json)?(\..+\.tmp)?|\.(\.pruned|queries\.json)\..+\.tmp")
"""The names okrdesk gives entries: a digest of the workspace's (or the file's) path,
a folder or a ``.json`` file, and the temporary file an entry is written through
(``.<name>.<random>.tmp``), left behind only by a command that was killed; so are
those of ``PRUNED`` and of the SQL source's ``queries.json``."""

PRUNED = ".pruned"
"""A file in a cache folder whose time says when the folder was last looked through."""


def user_cache_folder(*parts: str) -> Path:
    """okrdesk's folder in the user's own cache ($XDG_CACHE_HOME, else ~/.cache), with
    ``parts`` under it; RuntimeError where there is no home folder to find."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    folder = Path(base) if Path(base).is_absolute() else own_home() / ".cache"
    return folder.joinpath("okrdesk", *parts)


def own_home() -> Path:
    """The user's home folder. A relative $HOME (HOME=.) would put the cache in the
    folder a command runs from, a workspace perhaps, which then holds its tables and
    could bring a plan its files do not say (and the list of trusted workspaces, one
    trusting itself): the account's own home is used instead. RuntimeError where there
    is none."""
    home = Path.home()
    if home.is_absolute():
        return home
    try:
        import pwd  # here: only for a relative $HOME; none on Windows

        own = Path(pwd.getpwuid(os.getuid()).pw_dir)
    except (ImportError, KeyError):  # KeyError: an account the system has no entry for
        own = home
    if not own.is_absolute():
        raise RuntimeError(f"no home folder: $HOME is {str(home)!r}, not an absolute path")
    return own


def mark_used(entry: Path, modified: float | None = None) -> None:
    """Say ``entry`` was used now, where its time (``modified``, else read) is more than
    a day from now, either way (a clock set wrong when it was written); quietly nothing
    where it cannot be changed. An entry that is a link (a workspace's tables moved to
    another disk) has the link's time moved, which is the one ``prune`` reads."""
    with contextlib.suppress(OSError):
        if modified is None:
            modified = entry.lstat().st_mtime
        if abs(time.time() - modified) > _DAY:
            os.utime(entry, follow_symlinks=False)


def prune(folder: Path, now: float | None = None) -> list[str]:
    """Remove the entries of ``folder`` not used for ``KEPT_DAYS``, at most once a day;
    the names removed. Quietly keeps what it cannot remove: a cache that is not
    pruned only takes room."""
    now = time.time() if now is None else now
    marker = folder / PRUNED
    with contextlib.suppress(OSError):
        if 0 <= now - marker.stat().st_mtime < _DAY:  # one from a clock set ahead is not
            return []
    from okrdesk.errors import OkrdeskError
    from okrdesk.files import write_bytes_atomically  # here: on a day's first pruning only

    removed = []
    try:
        names = os.listdir(folder)
        write_bytes_atomically(marker, b"")
        os.utime(marker, (now, now))
    except (OSError, OkrdeskError):  # OkrdeskError: a full disk
        return []
    for name in names:
        if ENTRY.fullmatch(name) and remove_if_older(folder / name, KEPT_DAYS * _DAY, now):
            removed.append(name)
    return removed


def remove_if_older(path: Path, seconds: float, now: float) -> bool:
    """Remove ``path`` (a file, a link, or a folder and all in it, never what a link leads
    to) where it was last changed more than ``seconds`` before ``now``; whether it was.
    One dated ahead (a clock set wrong when it was written) is dated ``now`` instead,
    so that its time starts then."""
    try:
        found = path.lstat()
        if found.st_mtime - now > _DAY:
            os.utime(path, (now, now), follow_symlinks=False)
            return False
        if now - found.st_mtime <= seconds:
            return False
        if stat.S_ISDIR(found.st_mode):
            import shutil  # here: a command that finds its entry fresh removes nothing

            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError:
        return False
    return True
