"""A plugin's exception as one line a plugin author can act on: its type, its words and
the line of the plugin's own code it came from (``at okrdesk_salons/__init__.py:93``).

No traceback is shown to a branch manager, but without a place the author of a plugin
that failed in someone's cron job has only ``KeyError: 'date'`` to go on.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import ModuleType


def describe_error(error: BaseException, plugin: object | None = None) -> str:
    """``Type: words (at file:line)``, the place being the innermost line of ``plugin``'s
    package that the error passed through or, failing that (or without ``plugin``), the
    innermost line of code that is neither okrdesk's, pluggy's nor Python's own."""
    text = str(error).strip()
    said = f"{type(error).__name__}: {text}" if text else type(error).__name__
    place = raised_at(error, plugin)
    return f"{said} (at {place})" if place else said


def raised_at(error: BaseException, plugin: object | None = None) -> str | None:
    """Where ``error`` was raised in a plugin's code, as ``file:line``; None when it never
    passed through code of a plugin (a failure of okrdesk's own, or a syntax error, whose
    words already name its file and line)."""
    import traceback  # only once a plugin failed: every report imports this module

    lines = [
        (os.path.abspath(frame.f_code.co_filename), line)
        for frame, line in traceback.walk_tb(error.__traceback__)
        if not frame.f_code.co_filename.startswith("<")
    ]
    own = _package_folders(plugin)
    mine = next((at for at in reversed(lines) if _in_any(at[0], own)), None)
    if mine is not None:
        return f"{_shown(mine[0], _package_root(mine[0], own))}:{mine[1]}"
    other = next((at for at in reversed(lines) if _plugin_code(at[0])), None)
    return None if other is None else f"{_shown(other[0])}:{other[1]}"


def _package_folders(plugin: object | None) -> tuple[str, ...]:
    """The folders (or the file) of the top-level package ``plugin`` (a module, or an
    object or function made by one) belongs to."""
    if plugin is None:
        return ()
    name = str(plugin.__name__ if isinstance(plugin, ModuleType) else plugin.__module__)
    # A workspace's plugins/NAME.py is a module of a package that is never imported.
    top = sys.modules.get(name.partition(".")[0]) or sys.modules.get(name)
    if top is None or top.__name__ == "okrdesk":  # a built-in plugin: not the user's code
        return ()
    folders = list(getattr(top, "__path__", ()))
    if not folders and getattr(top, "__file__", None):
        folders = [str(top.__file__)]
    return tuple(os.path.abspath(folder) for folder in folders)


def _package_root(file: str, folders: tuple[str, ...]) -> str:
    """The folder ``file`` of a plugin's package is named from: the one holding the
    package's folder (``okrdesk_salons/engine.py``); for a one-file module, the folder it
    was imported from (``salons.py``) or, for a workspace's, its folder's parent
    (``plugins/salons.py``, as a workspace spells its plugins)."""
    folder = next(folder for folder in folders if _in_any(file, (folder,)))
    if folder != file:
        return os.path.dirname(folder)
    parent = os.path.dirname(file)
    imported_from = {os.path.abspath(entry) for entry in sys.path if entry}
    return parent if parent in imported_from else os.path.dirname(parent)


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


def _in_any(file: str, folders: tuple[str, ...]) -> bool:
    return any(
        file == folder or file.startswith(os.path.abspath(folder).rstrip(os.sep) + os.sep)
        for folder in folders
    )


def _shown(file: str, named_from: str | None = None) -> str:
    """``file`` relative to the folder ``named_from``; without one, as its module is imported
    (``pandas/core/frame.py``) when it lies on Python's path, else relative to the
    current folder, else by its folder and name."""
    roots = sorted((os.path.abspath(entry) for entry in sys.path if entry), key=len, reverse=True)
    for root in [named_from] if named_from else [*roots, os.getcwd()]:
        if file != root and _in_any(file, (root,)):
            return Path(os.path.relpath(file, root)).as_posix()
    # A workspace's plugin file, run from another folder: plugins/salons.py.
    return Path(*Path(file).parts[-2:]).as_posix()
