"""Which workspaces may run their own code: a list kept per user, outside every workspace.

A workspace's ``plugins/`` folder holds Python that runs with your privileges.
okrdesk runs it only for a workspace you trusted with ``okrdesk trust``, which
records the workspace's resolved path and a fingerprint of every file under
its ``plugins/`` folder in ``$XDG_CONFIG_HOME/okrdesk/trusted-workspaces.json``
(``~/.config/okrdesk/`` without it). When those files change, the fingerprint no
longer matches and okrdesk asks again. ``OKRDESK_ALLOW_WORKSPACE_CODE=1`` allows
a workspace's code for one run without recording anything (for CI).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

from okrdesk.errors import BadInput, Said, printable
from okrdesk.files import held_alone, opened_without_waiting, write_text_atomically
from okrdesk.targets.settings import ReachLine, Workspace
from okrdesk.user_cache import own_home

ALLOW_ENV = "OKRDESK_ALLOW_WORKSPACE_CODE"
TRUST_FILE = "trusted-workspaces.json"


def trust_file() -> Path:
    """Where the list lives: under $XDG_CONFIG_HOME, else ~/.config, ~ being the account's
    own home where $HOME is relative (``HOME=.`` in a Makefile or a CI job): the folder a
    command runs from, a workspace someone sent, would bring a list trusting itself."""
    base = os.environ.get("XDG_CONFIG_HOME") or ""
    if Path(base).is_absolute():
        return Path(base) / "okrdesk" / TRUST_FILE
    try:
        home = own_home()
    except RuntimeError:
        said = Said("cannot keep the list of trusted workspaces: no home folder ($HOME unset "
                    "or relative, and none for this account); set XDG_CONFIG_HOME to a folder "
                    "of yours",
                    "无法保存受信任工作区的列表：没有主目录（$HOME 未设置或不是绝对路径，此账户"
                    "也没有）；请把 XDG_CONFIG_HOME 设为你自己的文件夹")  # fmt: skip
        raise BadInput(said) from None
    return home / ".config" / "okrdesk" / TRUST_FILE


def workspace_code(root: Path) -> list[Path]:
    """Every file under the workspace's plugins/ folder, which a plugin could run or read,
    in the folders linked into it from the workspace too; its ``__pycache__`` too, whose
    bytecode Python runs for a module a plugin imports from its own folder (okrdesk
    writes none there)."""
    return _walked(root)[0]


def code_and_links(root: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """``workspace_code``, and each folder linked into plugins/ from outside the
    workspace (its name under plugins/ and where it leads): not walked, so where it
    leads is fingerprinted, not what is in it. One walk, for ``okrdesk trust`` to list."""
    return _walked(root)


def _walked(root: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """``workspace_code``, and each folder linked into plugins/ from outside the workspace
    (its name under plugins/, and where it leads), which is not walked: a link to / would
    have every command list the whole disk. A named pipe, a device or a socket there (or
    a link to one: /dev/zero, /proc/self/fd/0), or a file of /proc or /sys (a link to
    /proc/self/environ) refuses the walk, each named, none read."""
    folder = root / "plugins"
    if not folder.is_dir():
        return [], []
    found: list[Path] = []
    outside: list[tuple[str, str]] = []
    # The workspace alone bounds what is walked: a plugins/ that is itself a link out of
    # it (plugins -> ~, or /) had every folder there walked and read at each command.
    # Its own files, the ones okrdesk imports, are still covered; its folders are listed.
    bounds = {os.path.realpath(root)}
    # A folder linked in (plugins/lib -> ../shared/lib) holds code a plugin imports as
    # surely as one of its own: its files are followed and covered, each folder once
    # however many links lead to it, so a link to itself ends.
    seen = {os.path.realpath(folder)}
    special: list[tuple[Path, int, str | None]] = []
    for where, folders, files in os.walk(folder, followlinks=True):
        kept = []
        for name in sorted(folders):
            real = os.path.realpath(os.path.join(where, name))
            if not any(real == b or real.startswith(b + os.sep) for b in bounds) or holds_plugins(
                real, root
            ):
                # A link back up (plugins/up -> ..) would have the whole workspace, its
                # store and exports too, walked and read at each command, and the trust
                # lapse at the store's next write.
                outside.append((Path(where, name).relative_to(folder).as_posix(), real))
            elif real not in seen:
                seen.add(real)
                kept.append(name)
        folders[:] = kept
        for name in files:
            path = Path(where, name)
            try:
                mode = path.stat().st_mode
            except OSError:  # a link leading nowhere: nothing there to run or read
                continue
            view = _system_view(path) if stat.S_ISREG(mode) else None
            if stat.S_ISREG(mode) and view is None:
                found.append(path)
            else:
                special.append((path, mode, view))
    if special:
        raise _not_files(sorted(special), folder)
    return sorted(found), sorted(outside)


_SYSTEM_VIEWS = ("/proc", "/sys")
"""Where the kernel shows itself as files: each read makes their content anew (the
environment, a process's state), so one under plugins/ would have trust lapse at random."""


def _system_view(path: Path) -> str | None:
    """Which of ``_SYSTEM_VIEWS`` the file at ``path`` (a link to it followed) is in,
    by where it leads or by the file system it is on; None for any other file."""
    real = os.path.realpath(path)
    try:
        device: int | None = os.stat(real).st_dev
    except OSError:
        device = None
    return _view_at(real, device)


def _opened_view(file: BinaryIO, device: int) -> str | None:
    """``_system_view`` of a file already open: where the kernel says the open file lives
    (its entry in /proc/self/fd, where there is one) and the file system it is on, not
    where its path leads now, which may since have been made a link to /proc."""
    try:
        real = os.readlink(f"/proc/self/fd/{file.fileno()}")
    except OSError:
        real = ""
    return _view_at(real, device)


def _view_at(real: str, device: int | None) -> str | None:
    """Which of ``_SYSTEM_VIEWS`` a file is in, by its real path or its device."""
    for view in _SYSTEM_VIEWS:
        if real == view or real.startswith(view + os.sep):
            return view
    # The same file system mounted elsewhere too (a container's /host/proc).
    return None if device is None else _view_devices().get(device)


@functools.cache
def _view_devices() -> dict[int, str]:
    """The device of each of ``_SYSTEM_VIEWS`` mounted here → its path. One not mounted
    (a container without /proc, or without /sys) is a plain folder of the disk it is on,
    whose device is every other file's there."""
    devices = {}
    for view in _SYSTEM_VIEWS:
        with suppress(OSError):
            if os.path.ismount(view):
                devices[os.stat(view).st_dev] = view
    return devices


def _special_kind(mode: int, view: str | None) -> tuple[str, str]:
    """What a file that is no regular file, or one of the ``view`` it is in, is, in English
    and Chinese."""
    if stat.S_ISREG(mode) and view is not None:
        return (f"a view of the running system (under {view}), made anew at each read",
                f"运行中系统的视图（位于 {view} 下），每次读取时重新生成")  # fmt: skip
    if stat.S_ISFIFO(mode):
        return "a named pipe", "命名管道"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device", "设备"
    if stat.S_ISSOCK(mode):
        return "a socket", "套接字"
    return "no regular file", "非普通文件"


def _not_files(special: Sequence[tuple[Path, int, str | None]], folder: Path) -> BadInput:
    """The refusal of the named pipes, devices, sockets and files of /proc or /sys under
    plugins/ (or links to them), each as its path, mode and the view of the system it is
    in (if any), named and none read: reading one waits for a writer that never comes (a
    pipe, a terminal), never ends (/dev/zero) or gives another content each time
    (/proc/self/environ, whose fingerprint no trust would hold)."""
    en, zh = [], []
    for path, mode, view in special:
        shown = printable(f"plugins/{path.relative_to(folder).as_posix()}")
        kind, kind_zh = _special_kind(mode, view)
        if path.is_symlink():  # where it says it leads, as `ls -l` shows it
            leads = printable(os.readlink(path))
            en.append(f"{shown} (a link to {leads}) is {kind}")
            zh.append(f"{shown}（链接到 {leads}）是{kind_zh}")
        else:
            en.append(f"{shown} is {kind}")
            zh.append(f"{shown} 是{kind_zh}")
    return BadInput(Said(
        f"{'; '.join(en)}, not a file: okrdesk reads every file under plugins/ to check the "
        "workspace's trust, and reads none of these, whose reading may wait, run for ever or "
        "give something else each time, so the workspace's code cannot be vouched for. Put "
        "the file itself in its place, or remove it",
        f"{'；'.join(zh)}，不是文件：okrdesk 读取 plugins/ 下的每个文件来核对工作区是否受信任，"
        "但不读这类文件（读取它们可能一直等待、读不完，或每次读到的都不同），"
        "因此无法核对工作区的代码。"
        "请换成文件本身，或删除它",
    ))  # fmt: skip


def holds_plugins(real: str, root: Path) -> bool:
    """Whether the folder at ``real`` (a real path) holds the workspace's plugins/."""
    return os.path.realpath(root / "plugins").startswith(real + os.sep)


def fingerprint(root: Path, reach: Sequence[str] = ()) -> str:
    """One hash over the names and contents of the workspace's code, where each folder
    linked into plugins/ from outside leads, and what in its settings reaches outside it
    (``Workspace.reach``)."""
    digest = hashlib.sha256()
    folder = root / "plugins"
    code, linked = _walked(root)
    left = MOST_READ_IN_ALL
    for path in code:
        digest.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
        content, read = _content_digest(path, folder, left)
        digest.update(content)
        left -= read
    for name, leads in linked:  # none: the fingerprint as it was before links were
        digest.update(f"\0link\0{name}\0{leads}".encode("utf-8", "surrogateescape"))
    for line in reach:  # none: the fingerprint of the code alone, as it always was
        hashed = line.as_trusted if isinstance(line, ReachLine) else line
        digest.update(b"\0reach\0" + hashed.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


MOST_READ_A_FILE = 16 * 1024**2
"""The most a file under plugins/ may hold: far more than any plugin's module, and its
data is named in its settings, not kept there. A file linked in from elsewhere (a disk
image, a database dump of yours) would otherwise be read whole at each command."""
MOST_READ_IN_ALL = 128 * 1024**2
"""The most all the files under plugins/ may hold together."""
_BLOCK = 1024**2


def _content_digest(path: Path, folder: Path, left: int) -> tuple[bytes, int]:
    """The SHA-256 of a file of the workspace's code, read a block at a time, and how
    much was read: never more than ``MOST_READ_A_FILE`` (nor than ``left`` of what all
    the files may hold) whatever its size says, a file larger than that stopping the
    command with its name, as nothing under plugins/ can then be vouched for; so does a
    file that cannot be read."""
    shown = printable(f"plugins/{path.relative_to(folder).as_posix()}")
    most = min(MOST_READ_A_FILE, left)
    digest, read = hashlib.sha256(), 0
    try:
        # Not blocking, and looked at once open as the walk looks at the path: what it
        # found a file may since have become a pipe, whose opening would wait for a
        # writer, or a link to /proc, read as the walk never would.
        with opened_without_waiting(path) as file:
            opened = os.fstat(file.fileno())
            view = _opened_view(file, opened.st_dev) if stat.S_ISREG(opened.st_mode) else None
            if not stat.S_ISREG(opened.st_mode) or view is not None:
                raise _not_files([(path, opened.st_mode, view)], folder)
            while block := file.read(min(_BLOCK, most + 1 - read)):
                read += len(block)
                if read > most:
                    raise _too_large(path, shown, alone=most == MOST_READ_A_FILE)
                digest.update(block)
    except OSError as error:
        why = printable(error.strerror or type(error).__name__)
        said = Said(f"{shown}: cannot read this file ({why}); okrdesk cannot check the "
                    "workspace's code while it is unreadable: make it readable, or remove it",
                    f"{shown}：无法读取此文件（{why}）；它不可读时，okrdesk 无法核对工作区的代码："
                    "请让它可读，或删除它")  # fmt: skip
        raise BadInput(said) from None
    return digest.digest(), read


def _too_large(path: Path, shown: str, *, alone: bool) -> BadInput:
    """The refusal of a file under plugins/ past what okrdesk reads of it (``alone``), or
    past what all of them may hold together."""
    leads = os.path.realpath(path)
    linked = (f" (a link to {printable(leads)})", f"（链接到 {printable(leads)}）")
    linked = linked if path.is_symlink() else ("", " ")
    if alone:
        most = MOST_READ_A_FILE // 1024**2
        return BadInput(Said(
            f"{shown}{linked[0]} holds more than {most} MiB, more than any plugin's code: "
            "okrdesk reads every file under plugins/ to check the workspace's trust, and reads "
            "no more of one. Keep data outside plugins/ (a plugin's settings name where it "
            "reads), or remove the file",
            f"{shown}{linked[1]}超过 {most} MiB，比任何插件的代码都大：okrdesk 读取 plugins/ 下"
            "的每个文件来核对工作区是否受信任，单个文件最多只读这么多。数据请放在 plugins/ 之外"
            "（插件的设置写明从哪里读），或删除该文件",
        ))  # fmt: skip
    most = MOST_READ_IN_ALL // 1024**2
    return BadInput(Said(
        f"{shown}{linked[0]}: the files under plugins/ hold more than {most} MiB together, "
        "more than any workspace's plugins: okrdesk reads them all to check the workspace's "
        "trust, and reads no more. Keep data outside plugins/ (a plugin's settings name "
        "where it reads), or remove what is not a plugin's",
        f"{shown}{linked[1].strip()}：plugins/ 下的文件合计超过 {most} MiB，"
        "比任何工作区的插件都大："
        "okrdesk 读取它们全部来核对工作区是否受信任，最多只读这么多。数据请放在 plugins/ 之外"
        "（插件的设置写明从哪里读），或删除不属于插件的文件",
    ))  # fmt: skip


def _key(root: Path) -> str:
    return str(root.resolve())


def _read(path: Path) -> dict[str, str]:
    """The trusted workspaces; a missing file trusts none."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        said = Said(f"{path}: cannot read the list of trusted workspaces ({error})",
                    f"{path}：无法读取受信任工作区的列表（{error}）")  # fmt: skip
        raise BadInput(said) from None
    entries = raw.get("workspaces") if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        raise BadInput(Said(f'{path}: expected a JSON object with a "workspaces" table',
                            f'{path}：应为含 "workspaces" 表的 JSON 对象'))  # fmt: skip
    return {str(k): str(v) for k, v in entries.items()}


def is_trusted(root: Path, reach: Sequence[str] = ()) -> bool:
    """Whether the workspace's own code may run and its settings reach outside it:
    allowed for this run, or trusted as it is now."""
    return trust_state(root, reach) == TRUSTED


TRUSTED, CHANGED, NEVER, UNCHECKED = "trusted", "changed", "never", "unchecked"
"""A workspace trusted as it is now; trusted once, but its code or what its settings reach
has changed since; never trusted (or its list unreadable); one whose code okrdesk cannot
check (a file under plugins/ too large, unreadable, or a pipe or a device)."""


def trust_state(root: Path, reach: Sequence[str] = ()) -> str:
    """``TRUSTED``, ``CHANGED``, ``NEVER`` or ``UNCHECKED``: whether the workspace's own
    code may run and its settings reach outside it, and, where not, whether it was trusted
    as it was once: its author, who edits a plugin after `okrdesk trust`, is told so, not
    that it is not trusted."""
    return trust_and_why(root, reach)[0]


def trust_and_why(root: Path, reach: Sequence[str] = ()) -> tuple[str, Said | None]:
    """``trust_state``, and for ``UNCHECKED`` why, naming the file and what okrdesk reads of
    one: each command that runs none of the workspace's code says so, not only `okrdesk
    trust`, which a reader told "not trusted" runs to be told the same."""
    allowed = os.environ.get(ALLOW_ENV, "")
    if allowed == "1":
        return TRUSTED, None
    try:
        code = workspace_code(root)
    except BadInput as refused:
        return UNCHECKED, refused.said
    if allowed not in ("", "0") and (reach or code):
        # A CI job's =true or =yes ran none of the code, told only that it is not trusted.
        raise BadInput(Said(
            f"${ALLOW_ENV} is {allowed!r}: 1 allows a workspace's own code for this run, and "
            "0 (or unset) leaves it to `okrdesk trust`; write one of them",
            f"${ALLOW_ENV} 为 {allowed!r}：1 表示本次运行允许工作区自带的代码，0（或不设）表示"
            "交由 `okrdesk trust` 决定；请写其中之一",
        ))  # fmt: skip
    if not reach and not code:
        return TRUSTED, None
    try:
        recorded = _read(trust_file()).get(_key(root))
    except BadInput:
        return NEVER, None
    if recorded is None:
        return NEVER, None
    try:
        marked = fingerprint(root, reach)
    except BadInput as refused:
        # Its code not run: no file of it is vouched for.
        return UNCHECKED, refused.said
    return (TRUSTED if recorded == marked else CHANGED), None


def require_consent(workspace: Workspace) -> None:
    """Refuse a workspace whose settings reach outside it (``Workspace.reach``) unless
    the user trusted it as it is now: a workspace someone sent must not choose where your
    numbers are written, which of your files are read or where your passwords go."""
    reach = workspace.reach
    if not reach:
        return
    state, why = trust_and_why(workspace.root, reach)
    if state == TRUSTED:
        return
    said = {lang: WORDS[lang]["refused"].format(
                settings=workspace.root / "okrdesk.toml", root=workspace.root,
                listed="\n".join(f"  {printable(line.said(lang))}" for line in reach))
            for lang in WORDS}  # fmt: skip
    if why is not None:  # `okrdesk trust` would refuse too: what to do first
        said = {lang: f"{said[lang]}\n{WORDS[lang]['unchecked']}{why.text(lang)}" for lang in said}
    raise NotTrusted(Said(said["en"], said["zh"]))


class NotTrusted(BadInput):
    """A workspace whose settings reach outside it, not trusted as it is now: refused in
    the command's language (``--lang``, else the workspace's)."""


WORDS = {
    "en": {
        "refused": "{settings}: this workspace reaches outside its folder:\n{listed}\n"
                   "okrdesk uses such settings only in a workspace you trust as it is now; "
                   "if they are yours, or you trust who wrote them: okrdesk trust {root}",
        "unchecked": "but okrdesk cannot check the workspace's code to trust it: ",
        "revoked": "{root}: no longer trusted.",
        "never": "{root}: was not trusted.",
        "trusted": "Trusted {root} as it is now ({count} under plugins/), in {listed}:",
        "no_files": "  (no plugins/ files yet; adding one needs `okrdesk trust` again)",
        "reach": "and what its okrdesk.toml reaches outside it (a change asks again):",
        "outside": "  plugins/{name} → {real} (a folder outside the workspace: where it leads "
                   "is checked, not what is in it)",
        "around": "  plugins/{name} → {real} (a folder holding plugins/ itself: where it leads "
                  "is checked, not what is in it)",
    },
    "zh": {
        "refused": "{settings}：此工作区指向其文件夹之外：\n{listed}\n"
                   "只有在你信任此工作区的当前状态时，okrdesk 才会使用这些设置；"
                   "如果它们是你的，或你信任写下它们的人：okrdesk trust {root}",
        "unchecked": "但 okrdesk 无法核对工作区的代码，也就无法信任它：",
        "revoked": "{root}：已不再信任。",
        "never": "{root}：本来就未受信任。",
        "trusted": "已信任 {root} 的当前状态（plugins/ 下 {count}），记录在 {listed}：",
        "no_files": "  （plugins/ 下还没有文件；添加后须再次运行 `okrdesk trust`）",
        "reach": "以及其 okrdesk.toml 指向工作区之外的设置（有改动会再次询问）：",
        "outside": "  plugins/{name} → {real}（工作区之外的文件夹：只核对它指向哪里，"
                   "不核对其中的文件）",
        "around": "  plugins/{name} → {real}（包含 plugins/ 本身的文件夹：只核对它指向哪里，"
                  "不核对其中的文件）",
    },
}  # fmt: skip
"""What ``okrdesk trust`` says, and the refusal of a workspace not trusted, by language."""


def grant(root: Path, reach: Sequence[str] = ()) -> Path:
    """Trust the workspace's code and settings as they are now; returns the list's path."""
    path = trust_file()
    marked = fingerprint(root, reach)
    with held_alone(path):
        entries = _read(path)
        entries[_key(root)] = marked
        _write(path, entries)
    return path


def revoke(root: Path) -> bool:
    """Stop trusting the workspace; whether it was trusted."""
    path = trust_file()
    with held_alone(path):
        entries = _read(path)
        if entries.pop(_key(root), None) is None:
            return False
        _write(path, entries)
    return True


def _write(path: Path, entries: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"workspaces": dict(sorted(entries.items()))}, indent=2, ensure_ascii=False)
    write_text_atomically(path, text + "\n")
