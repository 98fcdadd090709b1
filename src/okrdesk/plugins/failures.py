"""A plugin's exception as one line a plugin author can act on: its type, its words and
the line of the plugin's own code it came from (``at okrdesk_salons/__init__.py:91``).

No traceback is shown to a branch manager, but without a place the author of a plugin
that failed in someone's cron job has only ``KeyError: 'date'`` to go on.
"""

from __future__ import annotations

import importlib
import linecache
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

from okrdesk.errors import Said


class DeclaredInPart(Exception):
    """Raised by an ``okrdesk_metrics`` that registered every metric it could and knows
    which it could not (okrdesk's SQL source, one broken definition among sound ones):
    ``metrics``. Any other exception from ``okrdesk_metrics`` leaves what the plugin
    would have declared unknown, as a failed import does."""

    def __init__(self, message: str, metrics: frozenset[str]) -> None:
        super().__init__(message)
        self.metrics = metrics


class SettingsMistake(ValueError):
    """Raise it (or a subclass) for a mistake in the user's settings, the plugin's table
    in okrdesk.toml (``sources.salons.file: no such file data/salons.csv``): what the
    user fixes, not the plugin's author. Its words are told as they are, without the
    line of the plugin's code it was raised at (``describe_error``), which is noise to a
    branch manager whose okrdesk.toml is wrong; any other exception keeps that line, for
    the plugin's own bug. Give it a ``said`` (an ``errors.Said``) to word it in Chinese
    too.

    Raised from ``okrdesk_collect``, it is told as ``okrdesk validate`` tells a setting's
    problem, at its key's line of okrdesk.toml (``okrdesk.toml:3: sources.salons.file: no
    such file data/salons.csv``), without its type: where its words begin with the key, as
    above, or where it has the attributes ``key`` (a ``SettingsProblem``'s key: ``file``,
    ``files.trades``, ``""`` for the table) and ``detail`` (what is wrong, without the key;
    ``detail_zh`` in Chinese), as the reference plugin's ``SettingsError`` has. Otherwise
    it is told at the table's line.

    ``zh``: the words in Chinese, beginning with the key as the English does
    (``SettingsMistake("sources.salons.file: no such file x.csv", zh="sources.salons.file：
    没有文件 x.csv")``); ``said``: both at once, an ``errors.Said``. A subclass that sets
    ``said`` itself before calling this keeps it."""

    def __init__(self, *args: object, zh: str = "", said: Said | None = None) -> None:
        super().__init__(*args)
        if said is None and zh:
            said = Said(str(args[0]) if args else "", zh)
        if said is not None:
            self.said = said


def worded(kind: type[Exception], en: str, zh: str) -> Exception:
    """An error of ``kind`` that a plugin's call caused, in both languages (its ``said``,
    which ``describe_error`` words in the command's)."""
    error = kind(en)
    error.said = Said(en, zh)  # type: ignore[attr-defined]
    return error


WORKSPACE_MODULES = "okrdesk_local_plugins"
"""The package a workspace's ``plugins/NAME.py`` is run as (never imported itself)."""


def describe_error(
    error: BaseException,
    plugin: object | None = None,
    how: tuple[str, str] | None = None,
    *,
    lang: str = "en",
) -> str:
    """``Type: words (at file:line)`` (in Chinese ``（位于 file:line）``), the words in
    ``lang`` where the error carries them in both languages (``said``, an
    ``errors.Said``: okrdesk's SQL source's errors do). The place is the innermost line
    of the plugin's own code the error passed through: its package is the one
    ``plugin`` (a module, or an object or function made by one) belongs to, and the one
    ``how`` loads (the plugin record's ``how``: ``("entry", "pkg.mod:obj")``,
    ``("module", "pkg.mod")`` or ``("file", path)``), either known before the other once
    an import failed. Failing that, the innermost line that is neither okrdesk's,
    pluggy's nor Python's. A ``SettingsMistake`` has no place: it is the user's to fix.
    Never raises: it runs where a plugin's error is being told."""
    try:
        said = getattr(error, "said", None)
        text = (said.text(lang) if isinstance(said, Said) else str(error)).strip()
    except Exception:  # a plugin's exception whose words themselves fail
        text = "(its message could not be read)"
    encoded = _not_utf8(error, how, lang)
    if (plain := _plainly(error, lang)) is not None and not isinstance(said, Said):
        text = plain
    elif (missing := _not_installed(error, how, lang)) is not None and not isinstance(said, Said):
        text = missing
    elif encoded is not None:
        text = encoded
    try:
        place = None if isinstance(error, SettingsMistake) else raised_at(error, plugin, how)
    except Exception:  # the place is a help; the error must still be told
        place = None
    if place and isinstance(error, SyntaxError) and error.msg and encoded is None:
        # Its words name its file by base name alone, which the place says in full.
        text = str(error.msg)
    said = f"{type(error).__name__}: {text}" if text else type(error).__name__
    if not place:
        return said
    return f"{said}（位于 {place}）" if lang == "zh" else f"{said} (at {place})"


def _plainly(error: BaseException, lang: str) -> str | None:
    """What a branch manager reads for an error whose own words say nothing to one: a
    ``sys.exit`` with a number, memory run out, a ``Decimal`` of text that is no number
    or divided by zero; None for any other."""
    if isinstance(error, SystemExit) and (error.code is None or isinstance(error.code, int)):
        code = 0 if error.code is None else error.code
        if lang == "zh":
            return f"它调用了 sys.exit({code})，插件不得结束程序"
        return f"it called sys.exit({code}), and a plugin must not end the program"
    if isinstance(error, MemoryError) and not str(error):
        return "内存不足" if lang == "zh" else "it ran out of memory"
    if type(error).__module__ == "decimal" and str(error) in _DECIMAL_CONDITIONS:
        en, zh = _DECIMAL_CONDITIONS[str(error)]
        return zh if lang == "zh" else en
    return None


_DECIMAL_CONDITIONS = {
    "[<class 'decimal.ConversionSyntax'>]": (
        "Decimal() was given text that is no number",
        "Decimal() 收到的文本不是数",
    ),
    "[<class 'decimal.DivisionByZero'>]": ("a Decimal was divided by zero", "Decimal 除以了零"),
    "[<class 'decimal.DivisionUndefined'>]": (
        "a Decimal 0 was divided by 0, which has no result",
        "Decimal 的 0 除以了 0，没有结果",
    ),
}
"""decimal's words for what a plugin's sums of money meet (``Decimal("约五万")``, a rate of
no accounts), which name only the condition's class."""


_NOT_UTF8 = re.compile(r"\(unicode error\) 'utf-8' codec can't decode byte (0x[0-9a-f]{2})")
"""Python's words for a byte of a plugin's code that is not UTF-8, and the byte."""


def _not_utf8(error: BaseException, how: tuple[str, str] | None, lang: str) -> str | None:
    """What to do about a plugin's code saved in an encoding Python does not read it in:
    GBK (what Notepad calls "ANSI" on a Chinese Windows) or UTF-16 (its "Unicode"), told
    in Python's words about a codec or null bytes, English whatever the command's
    language, and nothing of saving the file again. None for any other error."""
    if not isinstance(error, SyntaxError):
        return None
    words = str(error.msg or "")
    if (found := _NOT_UTF8.match(words)) is not None:
        if lang == "zh":
            return (f"文件不是 UTF-8 文本（此行有字节 {found[1]}），而 Python 按 UTF-8 读取插件的"
                    "代码：请把它另存为 UTF-8（中文 Windows 记事本的“ANSI”即 GBK），"
                    "或在第一行写 # -*- coding: gbk -*-")  # fmt: skip
        return (f"the file is not UTF-8 text (byte {found[1]} on this line), and Python reads a "
                "plugin's code as UTF-8: save it as UTF-8 (Notepad's \"ANSI\" is GBK on a "
                "Chinese Windows), or write # -*- coding: gbk -*- as its first line")  # fmt: skip
    if "null bytes" not in words:
        return None
    file = Path(how[1]) if how is not None and how[0] == "file" else None
    if lang == "zh":
        named = f"{file.parent.name}/{file.name} " if file else "插件的代码文件"
        return (f"{named}含有零字节：它以 UTF-16（记事本的“Unicode”）保存，或不是文本；"
                "Python 按 UTF-8 读取插件的代码：请把它另存为 UTF-8")  # fmt: skip
    named = f"{file.parent.name}/{file.name}" if file else "a file of its code"
    return (f"{named} holds zero bytes: it was saved as UTF-16 (Notepad's \"Unicode\"), or is "
            "no text; Python reads a plugin's code as UTF-8: save it as UTF-8")  # fmt: skip


def _not_installed(error: BaseException, how: tuple[str, str] | None, lang: str) -> str | None:
    """What to do about a module the plugin imports that is not there. A top-level one
    is to be installed into okrdesk's Python, often a virtual environment of its own
    that a plain ``pip install`` does not reach, and, for a package (not a workspace's
    ``plugins/NAME.py``), declared: it is told no module named nearly alike, which a
    missing dependency often has (``pandas_ta`` beside ``pandas``). A module of an
    installed package is told the one of that package it may mean (``okrdesk.plugin``
    for ``okrdesk.plugins``), and as Python tells it where it has none like it (another
    version is needed, not an install). None for any other error."""
    name = getattr(error, "name", None)
    if type(error) is not ModuleNotFoundError or not isinstance(name, str) or not name:
        return None
    if how is not None and how[0] == "file":
        beside = _beside_the_plugin(name, Path(how[1]).parent, lang)
        if beside is not None:
            return beside
    if "." in name:
        try:
            close = close_module(name)
        except Exception:  # the advice is a help; the error must still be told
            close = None
        if close is None or close == name:
            return None
        if lang == "zh":
            return f"没有名为 '{name}' 的模块（是不是 {close}？）"
        return f"No module named '{name}' (did you mean {close}?)"
    python = sys.executable or "python"
    package = how is None or how[0] != "file"
    if lang == "zh":
        declare = "，并写进插件的 dependencies" if package else ""
        return (f"没有名为 '{name}' 的模块：请把提供它的包安装到运行 okrdesk 的 Python 中"
                f"（{python} -m pip install …）{declare}")  # fmt: skip
    declare = ", and list it in the plugin's dependencies" if package else ""
    return (f"No module named '{name}': install the package that provides it into the Python "
            f"okrdesk runs in ({python} -m pip install …){declare}")  # fmt: skip


def _beside_the_plugin(name: str, folder: Path, lang: str) -> str | None:
    """What to do about a module a workspace's ``plugins/NAME.py`` imports from its own
    folder (``import helpers`` of ``plugins/helpers.py``, or ``from . import helpers``),
    which Python does not look in. Told, as any missing module is, to install a package,
    its author would look for one in vain: the module is right there. None for a module
    not there."""
    top = name.partition(".")[0]
    if top == WORKSPACE_MODULES:  # from . import: the plugin is no package's module
        told = (
            "a workspace's plugin is in no package, so `from . import` finds nothing beside it",
            "工作区的插件不属于任何包，`from . import` 找不到它旁边的模块",
        )
        then = (
            "import the module by its name (import helpers, for plugins/helpers.py)",
            "再按名字导入模块（plugins/helpers.py 即 import helpers）",
        )
    elif (folder / f"{top}.py").is_file() or (folder / top / "__init__.py").is_file():
        module = f"{top}.py" if (folder / f"{top}.py").is_file() else f"{top}/"
        told = (
            f"{folder.name}/{module} is beside the plugin, but Python does not look in "
            f"{folder.name}/ for modules",
            f"{folder.name}/{module} 就在插件旁边，但 Python 不在 {folder.name}/ 中查找模块",
        )
        then = (f"import {name}", f"再 import {name}")
    else:
        return None
    path = "sys.path.append(str(pathlib.Path(__file__).parent))"
    if lang == "zh":
        return (
            f"没有名为 '{name}' 的模块：{told[1]}；请先用 {path} 把插件所在的文件夹加入 "
            f"Python 的查找路径，{then[1]}"
        )
    return (
        f"No module named '{name}': {told[0]}; put the plugin's folder on Python's path "
        f"first, {path}, then {then[0]}"
    )


def raised_at(
    error: BaseException, plugin: object | None = None, how: tuple[str, str] | None = None
) -> str | None:
    """Where ``error`` was raised in a plugin's code, as ``file:line`` (see
    ``describe_error``); None when it never passed through a plugin's code."""
    from okrdesk.model import MetricSpecError

    key = _refused_key(str(error)) if isinstance(error, MetricSpecError) else None
    lines = []
    step = error.__traceback__
    while step is not None:
        frame, line = step.tb_frame, step.tb_lineno
        if not frame.f_code.co_filename.startswith("<"):
            if key is not None:
                line = _argument_line(frame, step.tb_lasti, *key) or line
            lines.append((os.path.abspath(frame.f_code.co_filename), line))
        step = step.tb_next
    if isinstance(error, SyntaxError) and error.filename and error.lineno:
        lines.append((os.path.abspath(error.filename), error.lineno))
    return innermost(lines, plugin, how)


def stopped_at(
    stop: BaseException, plugin: object | None = None, how: tuple[str, str] | None = None
) -> tuple[str, str]:
    """Where a call stopped at its time limit was in the plugin's own code (``raised_at``),
    as the words after "stopped" (`` at okrdesk_salons/__init__.py:40``) and in Chinese
    before 停止 (``在 okrdesk_salons/__init__.py:40 处``): the loop or the wait its author is
    to find. Empty where the stop never passed through its code. Never raises."""
    try:
        place = raised_at(stop, plugin, how)
    except Exception:  # the place is a help; the stop must still be told
        place = None
    return (f" at {place}", f"在 {place} 处") if place else ("", "")


def _refused_key(words: str) -> tuple[str, str] | None:
    """The class (``MetricSpec``, ``FunnelStages``) and argument a ``MetricSpecError``'s
    words are about (``metric m: unit '万' is not a unit okrdesk knows`` → unit); None
    where they name none (a dimension's words, which could be either)."""
    if words.startswith("a metric's name"):
        return "MetricSpec", "name"
    found = re.match(r"(metric \S+|FunnelStages): (\w+)", words)
    if found is None:
        return None
    owner = "FunnelStages" if found[1] == "FunnelStages" else "MetricSpec"
    word = found[2]
    if owner == "MetricSpec" and word in ("a", "the", "labels", "dimension"):
        if "cannot be in" in words:  # a rate in a metric that adds up: its kind is wrong
            return owner, "kind"
        word = "dimension_labels" if "labels for" in words else "dimensions"
    return owner, word


def _argument_line(frame: FrameType, last: int, owner: str, key: str) -> int | None:
    """The line of the argument ``key`` in the call to ``owner`` that ``frame`` was making
    at instruction ``last`` (``MetricSpec(...)`` written over several lines, its unit on
    the fourth): the line an editor shows for it, where an error names the call's first.
    None where that cannot be told (the argument given as ``**settings``)."""
    import ast

    import attrs

    from okrdesk import model

    try:
        positions = list(frame.f_code.co_positions())
        start, end, first_col, end_col = positions[last // 2]
        if None in (start, end, first_col, end_col):
            return None
        assert start is not None and end is not None
        source = linecache.getlines(frame.f_code.co_filename, frame.f_globals)[start - 1 : end]
        if not source:
            return None
        # Columns count bytes of UTF-8, which a line of Chinese labels makes differ.
        pieces = [line.encode("utf-8") for line in source]
        pieces[-1] = pieces[-1][:end_col]
        pieces[0] = pieces[0][first_col:]
        call = ast.parse(b"".join(pieces).decode("utf-8"), mode="eval").body
        if not isinstance(call, ast.Call):
            return None
        for keyword in call.keywords:
            if keyword.arg == key:
                return start + keyword.value.lineno - 1
        fields = [f.name for f in attrs.fields(getattr(model, owner)) if f.init and not f.kw_only]
        index = fields.index(key) if key in fields else len(call.args)
        if index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args):
            return start + call.args[index].lineno - 1
    except (SyntaxError, ValueError, IndexError, AttributeError, TypeError, UnicodeError):
        pass
    return None


def called_from(plugin: object | None = None, how: tuple[str, str] | None = None) -> str | None:
    """Where the plugin's own code is in the stack that calls this, as ``raised_at``
    names a place: the line that printed, or that called the library that did (a
    ``warnings.warn`` deep in pandas names the plugin's call to pandas)."""
    import traceback

    lines = [
        (os.path.abspath(frame.f_code.co_filename), line)
        for frame, line in traceback.walk_stack(sys._getframe(1))
        if not frame.f_code.co_filename.startswith("<")
    ]
    lines.reverse()  # outermost first, as a traceback's
    return innermost(lines, plugin, how)


def innermost(
    lines: list[tuple[str, int]], plugin: object | None, how: tuple[str, str] | None
) -> str | None:
    """The innermost of ``lines`` (file, line; outermost first) in the plugin's own code,
    else in code that is neither okrdesk's, pluggy's nor Python's."""
    homes = [*_homes_of_object(plugin), *_homes_of_how(how)]
    for file, line in reversed(lines):
        home = next((home for home in homes if _in(file, home.folder)), None)
        if home is not None:
            return f"{Path(os.path.relpath(file, home.named_from)).as_posix()}:{line}"
    other = next((at for at in reversed(lines) if _plugin_code(at[0])), None)
    return None if other is None else f"{_shown(other[0])}:{other[1]}"


def defined_at(
    function: object, plugin: object | None = None, how: tuple[str, str] | None = None
) -> str | None:
    """Where a plugin's ``function`` is defined, as ``raised_at`` names a place
    (``okrdesk_salons/__init__.py:40``); None where that cannot be told."""
    code = getattr(function, "__code__", None)
    if code is None:
        return None
    file = os.path.abspath(code.co_filename)
    for home in [*_homes_of_object(plugin), *_homes_of_how(how)]:
        if _in(file, home.folder):
            line = _def_line(file, code.co_firstlineno)
            return f"{Path(os.path.relpath(file, home.named_from)).as_posix()}:{line}"
    return None


def _def_line(file: str, first: int) -> int:
    """The line of a function's ``def``: its code starts at the first of its decorators
    (``@hookimpl``), which is not the line an author looks for."""
    for number in range(first, first + _MOST_DECORATOR_LINES):
        text = linecache.getline(file, number).lstrip()
        if text.startswith(("def ", "async def ")):
            return number
    return first


_MOST_DECORATOR_LINES = 20
"""How far below its first decorator a function's ``def`` is looked for."""


class _Home:
    """A folder (or the file) of a plugin's own code, and the folder its files are named
    from: ``okrdesk_salons/engine.py``, ``salons.py``, ``plugins/salons.py``."""

    def __init__(self, folder: str, named_from: str) -> None:
        self.folder, self.named_from = folder, named_from


def _homes_of_object(plugin: object | None) -> list[_Home]:
    if plugin is None:
        return []
    named: object = (
        plugin.__name__
        if isinstance(plugin, ModuleType)
        else getattr(plugin, "__module__", None) or getattr(type(plugin), "__module__", None)
    )
    if not isinstance(named, str):
        return []
    name = named
    if name.startswith(f"{WORKSPACE_MODULES}."):
        module = sys.modules.get(name)
        file = getattr(module, "__file__", None)
        return _workspace_file(file) if isinstance(file, str) else []
    return _package(name.partition(".")[0])


def _homes_of_how(how: tuple[str, str] | None) -> list[_Home]:
    if how is None:
        return []
    kind, where = how
    if kind == "file":
        return _workspace_file(where)
    return _package(where.partition(":")[0].partition(".")[0])


def _workspace_file(file: str) -> list[_Home]:
    """A workspace's plugins/NAME.py, named so wherever the command runs from."""
    file = os.path.abspath(file)
    return [_Home(file, os.path.dirname(os.path.dirname(file)))]


def _package(top: str) -> list[_Home]:
    """The folders of the top-level package or module ``top``, found without importing
    it (its import may be what failed); none for okrdesk's own."""
    if not top or top == "okrdesk":
        return []
    module = sys.modules.get(top)
    folders: list[str] = list(getattr(module, "__path__", ()) or ())
    file = getattr(module, "__file__", None)
    if module is None:
        import importlib.util

        spec = importlib.util.find_spec(top)
        if spec is None:
            return []
        folders = list(spec.submodule_search_locations or ())
        file = spec.origin
    homes = [_Home(os.path.abspath(f), os.path.dirname(os.path.abspath(f))) for f in folders]
    if not homes and isinstance(file, str) and os.path.isabs(file):
        file = os.path.abspath(file)
        homes = [_Home(file, os.path.dirname(file))]
    return homes


def _plugin_code(file: str) -> bool:
    """Whether ``file`` is neither okrdesk's, pluggy's nor Python's own."""
    import sysconfig

    import pluggy

    import okrdesk

    if _in_any(file, (os.path.dirname(okrdesk.__file__), os.path.dirname(pluggy.__file__))):
        return False
    paths = sysconfig.get_paths()
    # A Python without a virtual environment keeps installed packages inside its own
    # folder: they are not Python's.
    if _in_any(file, (paths["purelib"], paths["platlib"])):
        return True
    return not _in_any(file, (paths["stdlib"], paths["platstdlib"]))


def _in(file: str, folder: str) -> bool:
    return file == folder or file.startswith(folder.rstrip(os.sep) + os.sep)


def _in_any(file: str, folders: tuple[str, ...]) -> bool:
    return any(_in(file, os.path.abspath(folder)) for folder in folders)


def _shown(file: str) -> str:
    """A file of no plugin's (a library's) as its module is imported
    (``pandas/core/frame.py``) when it lies on Python's path, else by its folder and
    name."""
    roots = sorted((os.path.abspath(entry) for entry in sys.path if entry), key=len, reverse=True)
    for root in roots:
        if file != root and _in(file, root):
            return Path(os.path.relpath(file, root)).as_posix()
    return Path(*Path(file).parts[-2:]).as_posix()


class NotedStream:
    """A text stream that notes where the plugin's code was (``called_from``) when it was
    first written to: what a plugin prints is told with the line that printed it."""

    def __init__(
        self, stream: Any, plugin: Callable[[], object | None], how: tuple[str, str] | None
    ) -> None:
        self._stream, self._plugin, self._how = stream, plugin, how
        self.place: str | None = None
        self._written = False

    def write(self, text: str) -> int:
        if text and not self._written:
            self._written = True
            try:
                self.place = called_from(self._plugin(), self._how)
            except Exception:  # the place is a help; what was printed must still be
                self.place = None
        return int(self._stream.write(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def close_module(missing: str) -> str | None:
    """The installed module whose name is closest to ``missing`` (a submodule of its
    package, for a dotted name), if one is close."""
    import difflib
    import pkgutil

    parent, _, leaf = missing.rpartition(".")
    if parent:
        try:
            where = getattr(importlib.import_module(parent), "__path__", None)
        except Exception:  # the package itself is broken: its error is another's to tell
            return None
        if where is None:
            return None
        found = pkgutil.iter_modules(where)
    else:
        found = pkgutil.iter_modules()
    names = sorted({module.name for module in found})
    close = difflib.get_close_matches(leaf, names, n=1, cutoff=0.8)
    return f"{parent}.{close[0]}" if close and parent else (close[0] if close else None)
