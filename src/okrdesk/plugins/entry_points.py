"""The installed plugins' entry points, read without importing ``importlib.metadata``.

Every command that loads plugins asks which installed packages declare an
``okrdesk`` entry point. ``importlib.metadata`` answers it by importing
``email``, ``zipfile``, ``csv`` and more, as long as starting Python itself;
this module reads the same files the same way: each ``*.dist-info`` or
``*.egg-info`` folder on ``sys.path``, in order, the first distribution of a
name winning, its ``entry_points.txt`` and the ``Version`` of its metadata
(a zip archive on the path is still read through ``importlib.metadata``).
``tests/test_entry_points.py`` holds it equal to ``importlib.metadata``.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Iterable
from typing import Any, NamedTuple

from okrdesk.plugins.failures import close_module, worded

_SUFFIXES = (".dist-info", ".egg-info")
_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


class EntryPoint(NamedTuple):
    name: str
    value: str
    version: str
    distribution: str = ""
    """The installing distribution's name, normalised (``okrdesk_brokerage``)."""


def _normalized(name: str) -> str:
    if "-" not in name and "." not in name and "__" not in name:
        return name.lower()  # the pattern's work, for most names, without its cost
    return re.sub(r"[-_.]+", "_", name).lower()


def _children(folder: str) -> list[str]:
    try:
        return os.listdir(folder or ".")
    except OSError:
        return []


def _read(path: str) -> str | None:
    data = _read_bytes(path)
    try:
        return None if data is None else data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _read_bytes(path: str) -> bytes | None:
    # A file object costs more than the small file it reads, and a command reads one
    # for every installed distribution.
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        chunks = []
        while chunk := os.read(descriptor, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(descriptor)


def _version(info: str) -> str:
    return _metadata(info, "version")


def _metadata(info: str, field: str) -> str:
    """A field of a distribution's metadata headers (``version``, ``name``)."""
    for file in ("METADATA", "PKG-INFO"):
        text = _read(os.path.join(info, file))
        if text is None:
            continue
        # Split only as far as the first blank line: the package's long description,
        # often its whole README, follows the headers.
        for line in text[: _headers_end(text)].splitlines():
            if not line.strip():
                break  # the headers end at the first empty line
            key, _, value = line.partition(":")
            if key.strip().lower() == field:
                return value.strip()
        return ""
    return ""


def _headers_end(text: str) -> int:
    ends = [end for end in (text.find(blank) for blank in ("\n\n", "\n\r\n")) if end >= 0]
    return min(ends, default=len(text))


def _section(text: str, group: str) -> Iterable[tuple[str, str]]:
    """``name = value`` lines of one ``[group]`` of an entry_points.txt."""
    inside = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            inside = line[1:-1].strip() == group
            continue
        if inside and "=" in line:
            name, _, value = line.partition("=")
            yield name.strip(), value.strip()


def entry_points(group: str, path: Iterable[str] | None = None) -> list[EntryPoint]:
    """Every installed distribution's entry points in ``group``, as
    ``importlib.metadata.entry_points(group=...)`` lists them."""
    seen: set[str] = set()
    found: list[EntryPoint] = []
    for folder in sys.path if path is None else path:
        if os.path.isfile(folder):  # a zip archive on the path: rare, so read the slow way
            found += _zipped(folder, group, seen)
            continue
        # Each path put together by hand: ``os.path.join`` is Python code, run twice for
        # every installed distribution.
        inside = os.path.join(folder or ".", "")
        for child in _children(folder):
            if not child.lower().endswith(_SUFFIXES):  # Python's own folders: hundreds
                continue
            name = _normalized(child.rpartition(".")[0].partition("-")[0])
            if name in seen:
                continue
            seen.add(name)
            info = inside + child
            data = _read_bytes(info + os.sep + "entry_points.txt")
            # Most declare only console scripts: only a file naming the group is decoded.
            if data is None or group.encode() not in data:
                continue
            try:
                points = list(_section(data.decode("utf-8"), group))
            except UnicodeDecodeError:
                continue
            version = _version(info) if points else ""
            found += [EntryPoint(n, v, version, name) for n, v in points]
    return found


class Misplaced(NamedTuple):
    """An entry point in a group named like okrdesk's that is not it: ``okrdesk.plugins``,
    ``okrdesk-plugins``, ``Okrdesk``, ``okrdsk``."""

    distribution: str
    """As the package names itself (``okrdesk-fund-sales``)."""
    group: str
    name: str
    value: str


def misplaced(group: str, path: Iterable[str] | None = None) -> list[Misplaced]:
    """Every installed distribution's entry points in a group that looks like ``group``
    and is not it, which ``entry_points`` passes by as Python does: a plugin its author
    installed that never loads, with no word of why. Read only where a plugin may be
    missing (``okrdesk plugins``, ``validate``), never on a report's start."""
    import difflib

    seen: set[str] = set()
    found: list[Misplaced] = []
    for folder in sys.path if path is None else path:
        if os.path.isfile(folder):
            continue  # a zip archive: rare, and read the slow way by entry_points alone
        for child in _children(folder):
            if not child.lower().endswith(_SUFFIXES):
                continue
            name = _normalized(child.rpartition(".")[0].partition("-")[0])
            if name in seen:
                continue
            seen.add(name)
            info = os.path.join(folder or ".", child)
            text = _read(os.path.join(info, "entry_points.txt"))
            if text is None:
                continue
            for header in re.findall(r"^\s*\[([^\]]*)\]\s*$", text, re.MULTILINE):
                near = _normalized(header.strip())
                if header.strip() == group or not (
                    near.startswith(group) or difflib.get_close_matches(near, [group], 1, 0.8)
                ):
                    continue
                distribution = _metadata(info, "name") or name
                found += [Misplaced(distribution, header.strip(), n, v)
                          for n, v in _section(text, header.strip())]  # fmt: skip
    return found


def _zipped(archive: str, group: str, seen: set[str]) -> list[EntryPoint]:
    import importlib.metadata

    found = []
    for dist in importlib.metadata.distributions(path=[archive]):
        name = _normalized(dist.metadata["Name"] or "")
        if name in seen:
            continue
        seen.add(name)
        found += [EntryPoint(e.name, e.value, dist.version, name) for e in dist.entry_points
                  if e.group == group]  # fmt: skip
    return found


def load(value: str) -> Any:
    """Import what an entry point names: ``module`` or ``module:attribute.path``."""
    match = _VALUE.match(value)
    if match is None and _VALUE.match(underscored := value.replace("-", "_")):
        # The package's name (okrdesk-salons), where its module's (okrdesk_salons) goes.
        raise worded(
            ValueError,
            f"not an entry point: {value}: write the module holding the hooks, as Python "
            f"imports it ({underscored}?), not the package's name",
            f"不是有效的入口点：{value}：请写存放钩子的模块，即 Python 导入它时用的名字"
            f"（{underscored}？），而不是包的名字",
        )
    if match is None:
        raise worded(ValueError, f"not an entry point: {value}", f"不是有效的入口点：{value}")
    module = match.group("module")
    try:
        target: Any = importlib.import_module(module)
    except ModuleNotFoundError as error:
        missing = error.name or ""
        if missing != module and not module.startswith(missing + "."):
            raise  # a module the plugin imports: its own missing dependency
        raise _no_such_module(value, missing) from None
    for attribute in (match.group("attr") or "").split("."):
        if attribute:
            target = getattr(target, attribute)
    return target


def _no_such_module(value: str, missing: str) -> ModuleNotFoundError:
    """What the import of an entry point naming ``missing``, no installed module, says:
    where the name comes from and how to change it, with the module it may mean."""
    close = close_module(missing)
    mean, mean_zh = (f" (did you mean {close}?)", f"（是不是 {close}？）") if close else ("", "")
    error = worded(
        ModuleNotFoundError,
        f"No module named '{missing}', which the entry point {value} needs{mean}: write "
        "the module holding the hooks in the okrdesk entry point of the package's "
        "pyproject.toml, then install the package again",
        f"没有名为 '{missing}' 的模块，而入口点 {value} 需要它{mean_zh}：请在包的 "
        "pyproject.toml 的 okrdesk 入口点中写存放钩子的模块，然后重新安装这个包",
    )
    error.name = missing  # type: ignore[attr-defined]
    return error  # type: ignore[return-value]
