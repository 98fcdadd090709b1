"""The language a command speaks: its ``--lang`` wherever it stands on the command line,
else its workspace's (``[workspace] lang`` in okrdesk.toml, else Chinese), else, outside
any workspace, the locale's. Read before click parses the line, for ``--help`` and for
the command line's own mistakes, so nothing here needs click."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence


def language_of(folder: str | os.PathLike[str] | None) -> str:
    """The language of the workspace at ``folder`` (else the environment's or the current
    folder's), its okrdesk.toml alone read; Chinese where it says none or is unreadable."""
    from okrdesk.errors import OkrdeskError
    from okrdesk.targets.reader import Findings
    from okrdesk.targets.settings import locate, read_settings

    try:
        return read_settings(locate(folder), Findings()).language(None)
    except (OkrdeskError, OSError):
        return "zh"


def asked_in(args: Sequence[str]) -> tuple[str | None, str | None]:
    """The ``--lang`` a command line gives anywhere in it (None when none), and the
    workspace folder its ``--workspace`` names (None when none)."""
    folder: str | None = None
    for index, arg in enumerate(args):
        name, equals, value = arg.partition("=")
        if not equals:
            value = args[index + 1] if index + 1 < len(args) else ""
        if name == "--lang" and value in ("zh", "en"):
            return value, folder
        if name in ("--workspace", "-w") and value:
            folder = value
    return None, folder


def command_line_language(args: Sequence[str]) -> str:
    """The language of a command line click refused before running it: its ``--lang``,
    else that of the workspace its ``--workspace`` (or the environment, or the current
    folder) names."""
    asked, folder = asked_in(args)
    return asked or language_of(folder)


SETTINGS_MOST_BYTES = 1024 * 1024
"""An okrdesk.toml larger than this is not read for its language alone."""


def stated_language(folder: str | None) -> str | None:
    """The language of the workspace at ``folder`` (else the environment's, else the
    current folder's): its okrdesk.toml's ``[workspace] lang``, else Chinese, as for
    its reports; None where the folder is no workspace (neither okrdesk.toml nor
    targets/). Only ``tomllib`` is loaded, and no plan: this is what ``--help`` can
    afford, where ``language_of`` loads the settings reader."""
    root = os.path.expanduser(folder or os.environ.get("OKRDESK_WORKSPACE") or ".")
    path = os.path.join(root, "okrdesk.toml")
    if not os.path.isfile(path):
        return "zh" if os.path.isdir(os.path.join(root, "targets")) else None
    try:
        inside = os.path.realpath(path).startswith(os.path.join(os.path.realpath(root), ""))
        if not inside or os.path.getsize(path) > SETTINGS_MOST_BYTES:
            return "zh"  # a link out of the workspace is never read, as for the settings
        with open(path, "rb") as file:
            text = file.read().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return "zh"
    import tomllib

    try:
        table = tomllib.loads(text).get("workspace")
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return "zh"
    lang = table.get("lang") if isinstance(table, dict) else None
    return lang if lang in ("zh", "en") else "zh"


def locale_language(environ: Mapping[str, str]) -> str:
    """zh where the locale says Chinese (LC_ALL, else LC_MESSAGES, else LANG), else en:
    the language of help outside a workspace, and of the plan ``okrdesk init`` writes."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def help_language(args: Sequence[str]) -> str:
    """The language of the help for a command line: its ``--lang`` wherever it is (after
    ``--help`` too), else its workspace's (``stated_language``), else, outside any
    workspace, the locale's."""
    asked, folder = asked_in(args)
    return asked or stated_language(folder) or locale_language(os.environ)
