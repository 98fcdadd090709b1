"""What a plugin loaded in okrdesk's own process (by ``report``, ``check``, ``validate``,
``plugins``, ``explain``) may not change there, put back after each of its calls.

A report reads the workspace through the current folder, its language and time limits
through the environment, and writes through click and okrdesk's own functions: a plugin
that changes any of them while it loads would have the command go wrong in ways that name
something else (``targets: no target files found`` after an ``os.chdir``), or print
nothing at all (``click.echo`` replaced). Each change is put back as the call ends and
told as the plugin's error, in words a branch manager reads: a module of okrdesk's the
plugin imports first is compared with itself as its import left it, and a copy of a
replacement that one of okrdesk's modules took meanwhile (``replaced_copies``) is
replaced by okrdesk's code too. A plugin's own new environment variables and its
additions to okrdesk's modules (a submodule it imported) are its business and left
alone. ``os._exit``, which would end okrdesk with no word, raises instead while the
plugin's code runs, and so fails only the plugin's call.
"""

from __future__ import annotations

import contextlib
import locale
import os
import signal
import sys
import threading
import types
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from okrdesk.errors import Said

_WATCHED_PACKAGES = ("okrdesk", "click", "pluggy")
_WATCHED_MODULES = ("builtins", "os", "os.path", "signal")
_CODE = (types.FunctionType, types.BuiltinFunctionType, types.ModuleType, type)
"""What a plugin replaces to change how okrdesk works; data a module keeps (a cache filled
as okrdesk's own functions run) may change."""
_READ_BY_OKRDESK = ("OKRDESK_", "LANG", "LC_", "TZ", "TMPDIR", "XDG_", "HOME", "COLUMNS")
"""Environment variables okrdesk (or Python for it) reads: a plugin may not set them
either, where one that was unset would change the command (``OKRDESK_LOAD_PLUGINS``)."""
_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGALRM", "SIGPIPE", "SIGHUP")
    if hasattr(signal, name)
)  # fmt: skip


_own_process = [False]


def in_the_plugins_own_process() -> None:
    """This process is a plugin's own (``collect``'s): what it changes here is its own
    business, and its exit is told by the process that waits for it."""
    _own_process[0] = True


def guarding() -> bool:
    """Whether a plugin's calls in this process are guarded (okrdesk's own process)."""
    return not _own_process[0]


class EndedTheProcess(SystemExit):
    """``os._exit`` called by a plugin's code in okrdesk's own process."""


def _refusing_exit(exit_now: Any, guarded: int) -> Any:
    """``os._exit`` while a plugin's call runs: refused in okrdesk's own process (number
    ``guarded``); in a process the call forked (a worker of its own) it ends that process
    as ever, where raising would have run okrdesk's code on from the fork, a second time."""

    def refused(code: int = 0) -> None:
        if os.getpid() != guarded:
            exit_now(code)
        _refused_exit(code)

    return refused


def _refused_exit(code: int = 0) -> None:
    error = EndedTheProcess(
        f"it called os._exit({code}), which would have ended okrdesk with no word said"
    )
    error.said = Said(  # type: ignore[attr-defined]
        str(error), f"它调用了 os._exit({code})，那会让 okrdesk 不声不响地退出"
    )
    raise error


def _watched() -> list[types.ModuleType]:
    return [
        module
        for name, module in list(sys.modules.items())
        if isinstance(module, types.ModuleType)
        and (name in _WATCHED_MODULES or name.split(".", 1)[0] in _WATCHED_PACKAGES)
    ]


def _code_of(modules: list[types.ModuleType]) -> list[tuple[types.ModuleType, dict[str, object]]]:
    """Each module with a copy of its namespace as it is now (a plain copy, which a
    report's hundred modules make in a tenth of the time picking out their code took);
    ``_replaced`` looks at the code in it."""
    return [(module, dict(vars(module))) for module in modules]


def _replaced(
    code: Sequence[tuple[types.ModuleType, dict[str, object]]],
    changed: list[types.ModuleType],
) -> list[tuple[types.ModuleType, str, object, object]]:
    """Each function, class or module of ``code`` no longer bound to its name: its module,
    name, the code kept and what is there now; each module whose namespace differs from
    its copy is added to ``changed``. A namespace equal to its copy (each value the same
    object: the usual case) is passed by at once."""
    found: list[tuple[types.ModuleType, str, object, object]] = []
    for module, kept in code:
        space = vars(module)
        try:
            if space == kept:
                continue
        except Exception:  # a changed value whose == refuses to answer: looked at below
            pass
        changed.append(module)
        for name, value in kept.items():
            if isinstance(value, _CODE) and (now := space.get(name)) is not value:
                found.append((module, name, value, now))
    return found


def _current_folder() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # removed under us: nothing to put back
        return None


@contextlib.contextmanager
def kept_state(
    changes: list[Said], where: Callable[[], str | None] | None = None
) -> Iterator[None]:
    """Run the block (a plugin's call), then put back what it changed of okrdesk's
    process and add to ``changes`` what it changed, one ``Said`` a kind. ``where`` names
    the line of the plugin's code running now (``failures.called_from``): the current
    folder changed is told with the line that last changed it.

    No bytecode is written while the block runs: a workspace's plugin importing a module
    of its own folder would leave it in plugins/__pycache__, which the trust fingerprint
    covers. Outside the block okrdesk's own modules are cached as usual (a report imports
    its layout after the plugins have loaded: compiled again on every run, 13 ms of a
    firm's report, while writing was left off for good)."""
    writes_bytecode = not sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    folder = _current_folder()
    environment = dict(os.environ)
    try:
        region = locale.setlocale(locale.LC_ALL)
    except locale.Error:
        region = None
    handlers: dict[int, object] = {number: signal.getsignal(number) for number in _SIGNALS}
    limits = _limits()
    threads = set(threading.enumerate())
    watched = _watched()
    code = _code_of(watched)
    imported = _ImportsNoted()
    exit_now = os._exit
    os._exit = _refusing_exit(exit_now, os.getpid())
    moved_at: list[str | None] = []
    change_folder = os.chdir
    os.chdir = _noting(change_folder, moved_at, where)
    sys.meta_path.insert(0, imported)
    try:
        yield
    finally:
        sys.dont_write_bytecode = not writes_bytecode
        with contextlib.suppress(ValueError):  # taken out by the plugin: nothing to take
            sys.meta_path.remove(imported)
        os._exit = exit_now
        os.chdir = change_folder
        _not_waited_for(threads)
        changed: list[types.ModuleType] = []
        # A module of okrdesk's first imported during the call is compared with itself as
        # its import left it: a plugin that imported it to replace its code is caught.
        replaced = _replaced([*code, *imported.modules], changed)
        replacements = {id(now): value for _, _, value, now in replaced if _one_of_its_own(now)}
        changes += _put_back(folder, environment, region, handlers, replaced, moved_at)
        changes += _limits_put_back(limits)
        if replacements:
            before = set(map(id, watched))
            new = [module for module in _watched() if id(module) not in before]
            # Here alone: only a plugin that replaced okrdesk's code needs it.
            from okrdesk.plugins.replaced_copies import copies_put_back

            copies_put_back(replacements, new, [m for m in changed if id(m) in before])


def _noting(
    change_folder: Callable[..., None],
    moved_at: list[str | None],
    where: Callable[[], str | None] | None,
) -> Callable[..., None]:
    """``os.chdir`` while a plugin's call runs: it changes the folder as ever, and notes
    in ``moved_at`` the line of the plugin's code that called it."""

    def noted(path: Any) -> None:
        change_folder(path)
        try:
            moved_at[:] = [where() if where is not None else None]
        except Exception:  # the place is a help; the change is told all the same
            moved_at[:] = [None]

    return noted


def _put_back(
    folder: str | None,
    environment: dict[str, str],
    region: str | None,
    handlers: dict[int, object],
    code: list[tuple[types.ModuleType, str, object, object]],
    moved_at: Sequence[str | None] = (),
) -> list[Said]:
    told: list[Said] = []
    if folder is not None and _current_folder() != folder:
        now = _current_folder()
        os.chdir(folder)
        place = moved_at[-1] if moved_at else None
        at, at_zh = (f" (at {place})", f"（位于 {place}）") if place else ("", "")
        told.append(Said(
            f"changed the current folder (to {now}), which a plugin must not do: okrdesk "
            f"reads the workspace through it; it was put back{at}",
            f"更改了当前文件夹（改为 {now}），插件不得如此：okrdesk 经由它读取工作区；"
            f"已改回{at_zh}",
        ))  # fmt: skip
    names = _environment_put_back(environment)
    if names:
        listed = ", ".join(names)
        told.append(Said(
            f"changed environment variables okrdesk reads ({listed}), which a plugin must "
            "not do; they were put back",
            f"更改了 okrdesk 所读取的环境变量（{listed}），插件不得如此；已恢复",
        ))  # fmt: skip
    if region is not None:
        with contextlib.suppress(locale.Error):
            now = locale.setlocale(locale.LC_ALL)
            if now != region:
                locale.setlocale(locale.LC_ALL, region)
                told.append(Said(
                    f"changed the locale (to {now}), which a plugin must not do; it was put back",
                    f"更改了区域设置（locale，改为 {now}），插件不得如此；已恢复",
                ))  # fmt: skip
    for number, handler in handlers.items():
        if signal.getsignal(number) is not handler:
            with contextlib.suppress(ValueError, TypeError):  # off the main thread
                signal.signal(number, handler)  # type: ignore[arg-type]
                name = signal.Signals(number).name
                told.append(Said(
                    f"changed what okrdesk does on {name}, which a plugin must not do; "
                    "it was put back",
                    f"更改了 okrdesk 对 {name} 信号的处理，插件不得如此；已恢复",
                ))  # fmt: skip
    replaced = _code_put_back(code)
    if replaced:
        shown = ", ".join(replaced[:5]) + (
            f" and {len(replaced) - 5} more" if len(replaced) > 5 else ""
        )
        shown_zh = "、".join(replaced[:5]) + (f"等 {len(replaced)} 处" if len(replaced) > 5 else "")
        told.append(Said(
            f"replaced okrdesk's own code ({shown}), which a plugin must not do; "
            "it was put back",
            f"替换了 okrdesk 自身的代码（{shown_zh}），插件不得如此；已复原",
        ))  # fmt: skip
    return told


_LIMITS = {
    "RLIMIT_NOFILE": ("open files", "可打开的文件数"),
    "RLIMIT_FSIZE": ("the size of a file it writes", "可写文件的大小"),
    "RLIMIT_AS": ("memory", "内存"),
    "RLIMIT_DATA": ("memory", "内存"),
    "RLIMIT_CPU": ("processor time", "处理器时间"),
    "RLIMIT_STACK": ("its stack", "栈大小"),
}
"""The limits the system sets on a process that a plugin could lower under okrdesk (a
cap on its own memory, say), each in words."""


def _limits() -> dict[str, tuple[int, int]]:
    try:
        import resource
    except ImportError:  # Windows: no such limits
        return {}
    return {
        name: resource.getrlimit(getattr(resource, name))
        for name in _LIMITS
        if hasattr(resource, name)
    }


def _limits_put_back(before: dict[str, tuple[int, int]]) -> list[Said]:
    """The limits changed since ``before``, set back (where the system lets them rise
    again), told in one ``Said``."""
    if not before:
        return []
    import resource

    changed: list[str] = []
    kept: list[str] = []
    for name, limit in before.items():
        number = getattr(resource, name)
        if resource.getrlimit(number) == limit:
            continue
        try:
            resource.setrlimit(number, limit)
        except (ValueError, OSError):  # a hard limit lowered: only root may raise it
            kept.append(name)
        changed.append(name)
    if not changed:
        return []
    en = ", ".join(dict.fromkeys(_LIMITS[name][0] for name in changed))
    zh = "、".join(dict.fromkeys(_LIMITS[name][1] for name in changed))
    if kept:
        return [Said(
            f"lowered the limits the system sets on okrdesk's process ({en}), which a plugin "
            "must not do; they could not all be put back, so okrdesk may fail for want of "
            "them in this command",
            f"降低了系统对 okrdesk 进程的限额（{zh}），插件不得如此；未能全部恢复，本次命令"
            "可能因此出错",
        )]  # fmt: skip
    return [Said(
        f"changed the limits the system sets on okrdesk's process ({en}), which a plugin "
        "must not do; they were put back",
        f"更改了系统对 okrdesk 进程的限额（{zh}），插件不得如此；已恢复",
    )]  # fmt: skip


def _environment_put_back(before: dict[str, str]) -> list[str]:
    """The variables changed since ``before`` that okrdesk reads, or that were set
    before, each set back; sorted."""
    now = dict(os.environ)
    changed = sorted(
        name
        for name in before.keys() | now.keys()
        if before.get(name) != now.get(name)
        and (name in before or name.startswith(_READ_BY_OKRDESK))
    )
    for name in changed:
        if name in before:
            os.environ[name] = before[name]
        else:
            del os.environ[name]
    return changed


_left_running: list[threading.Thread] = []
"""The threads plugins started in this process and left running, which it does not wait
for as it ends."""


def _not_waited_for(before: set[threading.Thread]) -> None:
    """Note the threads started since ``before`` that Python would wait for as the process
    ends (not daemons): a plugin's thread that never ends (a library's background worker)
    would otherwise keep ``report`` from ever ending, its output long written."""
    started = [t for t in threading.enumerate() if t not in before and not t.daemon]
    if started and not _left_running:
        threading._register_atexit(_end_without_them)  # type: ignore[attr-defined]
    _left_running.extend(started)


def _end_without_them() -> None:
    """As the okrdesk command ends (its status said) while a plugin's thread still runs:
    run the exit handlers now, before Python would wait for that thread; okrdesk's own,
    registered first, runs last and ends the process with the command's status."""
    if not any(thread.is_alive() for thread in _left_running):
        return
    ending = sys.modules.get("okrdesk.__main__") or sys.modules.get("__main__")
    status = getattr(ending, "_status", None)
    if not status:  # okrdesk run by another program (a test's CliRunner): its to end
        return
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status[0] & 0xFF)


class _ImportsNoted:
    """Put first on ``sys.meta_path`` for a plugin's call: each module of okrdesk's (or
    click's, pluggy's) the call imports, with a copy of its namespace as its own code
    left it, in ``modules``. Python imports it as ever, by the finder that would have:
    only its loader is wrapped, and only while it runs the module's code."""

    def __init__(self) -> None:
        self.modules: list[tuple[types.ModuleType, dict[str, object]]] = []

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name.partition(".")[0] not in _WATCHED_PACKAGES:
            return None
        finders = list(sys.meta_path)
        after = next((i + 1 for i, finder in enumerate(finders) if finder is self), len(finders))
        for finder in finders[after:]:
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find is not None else None
            if spec is None:
                continue
            if hasattr(spec.loader, "exec_module"):
                spec.loader = _NotingLoader(spec.loader, self.modules)
            return spec
        return None


class _NotingLoader:
    """A module's loader that, once the module's code has run, adds the module and a copy
    of its namespace to ``modules``. The module and its spec are given the loader itself
    before its code runs, so that nothing keeps this one."""

    def __init__(self, loader: Any, modules: list[tuple[types.ModuleType, dict[str, object]]]):
        self.loader = loader
        self.modules = modules

    def create_module(self, spec: Any) -> Any:
        create = getattr(self.loader, "create_module", None)
        return create(spec) if create is not None else None

    def exec_module(self, module: types.ModuleType) -> None:
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        self.modules.append((module, dict(vars(module))))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loader, name)


def _one_of_its_own(replacement: object) -> bool:
    """Whether ``replacement`` is an object the plugin brought, whose copies are sought
    and put back: not None (a name deleted) nor a builtin (``str``, ``print``), which
    okrdesk's modules hold for their own sake too."""
    return replacement is not None and getattr(replacement, "__module__", None) != "builtins"


def _code_put_back(code: list[tuple[types.ModuleType, str, object, object]]) -> list[str]:
    """Each of ``_replaced``'s bound again to the code kept; their names."""
    for module, name, value, _ in code:
        setattr(module, name, value)
    return [f"{module.__name__}.{name}" for module, name, _, _ in code]


@contextlib.contextmanager
def output_caught(written: list[bytes]) -> Iterator[None]:
    """Standard output and error, as the operating system holds them (file descriptors
    1 and 2), into a file of their own for the block; what was written to them is added
    to ``written``. A plugin writing there directly (``os.write(1, …)``, a C library's
    ``printf``) would otherwise corrupt a report okrdesk writes to a pipe."""
    for stream in (sys.__stdout__, sys.__stderr__, sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # closed, or no stream at all
            stream.flush()  # type: ignore[union-attr]
    try:
        saved = (os.dup(1), os.dup(2))
    except OSError:  # no standard output to guard
        yield
        return
    with _scratch() as caught:
        os.dup2(caught.fileno(), 1)
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            for stream in (sys.__stdout__, sys.__stderr__):
                with contextlib.suppress(Exception):
                    stream.flush()  # type: ignore[union-attr]
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            caught.seek(0)
            text = caught.read()
            if text:
                written.append(text)


def _scratch() -> Any:
    """A file of no name to catch what is written: in memory where the system has such
    files (Linux), so that a report need not import ``tempfile``."""
    if hasattr(os, "memfd_create"):
        return open(os.memfd_create("okrdesk-plugin-output"), "w+b")
    import tempfile

    return tempfile.TemporaryFile()


def printed_said(printed: str, place: str | None, *, to_errors: bool = False) -> list[Said]:
    """What a plugin printed to standard output (or, ``to_errors``, standard error) while
    okrdesk ran it, as its error, with the line of its code that printed (``place``);
    nothing for nothing printed."""
    printed = printed.strip()
    if not printed:
        return []
    shown = printed if len(printed) <= 200 else printed[:200] + "…"
    where = (f" (at {place})", f"（位于 {place}）") if place else ("", "")
    stream = ("standard error", "标准错误") if to_errors else ("standard output", "标准输出")
    return [Said(f"printed to {stream[0]}, which a plugin must not do: {shown}{where[0]}",
                 f"向{stream[1]}写了内容，插件不得如此：{shown}{where[1]}")]  # fmt: skip


def written_said(written: list[bytes]) -> list[Said]:
    """What a plugin wrote straight to okrdesk's standard output or error (``output_caught``),
    as its error."""
    whole = b"".join(written)
    if not whole.strip():
        return []
    text = whole.decode("utf-8", "replace").strip()
    shown = text if len(text) <= 200 else text[:200] + "…"
    return [Said(
        f"wrote to standard output or error directly ({len(whole)} bytes), which a plugin "
        f"must not do: {shown}",
        f"直接向标准输出或标准错误写了内容（{len(whole)} 字节），插件不得如此：{shown}",
    )]  # fmt: skip
