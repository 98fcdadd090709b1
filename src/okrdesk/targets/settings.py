"""Where a workspace is and what its okrdesk.toml says.

A workspace is a folder with ``targets/*.toml`` and, optionally, an
``okrdesk.toml`` with settings: the database file, and each plugin's own
table under ``[sources.<plugin>]``, and ``[checkin] by``, who check-ins are from
when ``okrdesk checkin`` is not told.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs

from okrdesk.errors import BadInput, ValidationFailed
from okrdesk.targets.load import parse_toml_file
from okrdesk.targets.reader import Findings, Table, Where

SETTINGS_FILE = "okrdesk.toml"
ENV_VAR = "OKRDESK_WORKSPACE"
DEFAULT_DATABASE = "okrdesk.db"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

_TOP_KEYS = ("workspace", "sources", "checkin")
_WORKSPACE_KEYS = ("name", "database", "plugin_timeout")
_CHECKIN_KEYS = ("by",)


@attrs.frozen
class Workspace:
    root: Path
    name: str = ""
    database: Path = attrs.field(
        default=attrs.Factory(lambda self: self.root / DEFAULT_DATABASE, takes_self=True)
    )
    sources: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    """Each plugin's settings table, by plugin name."""
    database_url: str | None = None
    """A ``postgresql://`` URL (no password) when the store is on a server, not in a file."""
    plugin_timeout: float | None = None
    """Seconds one plugin call may take before it is left behind (default 300)."""
    checkin_by: str = ""
    """``[checkin] by``: who a check-in is from when ``--by`` is not given."""

    @property
    def store_location(self) -> Path | str:
        """Where the store is: the server's URL, else the SQLite file."""
        return self.database_url if self.database_url is not None else self.database

    @property
    def targets(self) -> Path:
        return self.root / "targets"

    @property
    def plugins(self) -> Path:
        return self.root / "plugins"

    @property
    def templates(self) -> Path:
        return self.root / "templates"


def locate(option: str | os.PathLike[str] | None) -> Path:
    """The workspace folder: ``--workspace``, else $OKRDESK_WORKSPACE, else the current folder."""
    chosen = option or os.environ.get(ENV_VAR) or "."
    root = Path(chosen).expanduser()
    if not root.is_dir():
        raise BadInput(f"workspace {root}: no such folder")
    return root


def read_settings(root: Path, findings: Findings) -> Workspace:
    """Read ``okrdesk.toml`` if there is one; problems go into ``findings``."""
    path = root / SETTINGS_FILE
    if not path.is_file():
        return Workspace(root)
    source = parse_toml_file(path, root, findings)
    if source is None:
        return Workspace(root)
    top = Table(Where(source), source.data, findings, _TOP_KEYS)
    name, database, timeout = "", root / DEFAULT_DATABASE, None
    url: str | None = None
    if (found := top.table("workspace")) is not None:
        table = Table(*found, findings, _WORKSPACE_KEYS)
        name = table.text("name") or ""
        if (db := table.text("database")) is not None:
            if db.startswith(POSTGRES_SCHEMES):
                url = _server_url(table, found[0].key("database"), db)
            else:
                database = root / db
        if (seconds := table.number("plugin_timeout")) is not None:
            if seconds <= 0:
                table.fail(
                    found[0].key("plugin_timeout"), f"must be above 0 seconds, got {seconds}"
                )
            else:
                timeout = float(seconds)
    checkin_by = ""
    if (found := top.table("checkin")) is not None:
        table = Table(*found, findings, _CHECKIN_KEYS)
        checkin_by = (table.text("by") or "").strip()
    sources: dict[str, Mapping[str, Any]] = {}
    if (found := top.table("sources")) is not None:
        where, data = found
        for plugin, settings in data.items():
            if isinstance(settings, dict):
                sources[plugin] = settings
            else:
                findings.problems.append(
                    where.key(plugin).problem(f"expected a table [sources.{plugin}]")
                )
    return Workspace(
        root,
        name=name,
        database=database,
        sources=sources,
        plugin_timeout=timeout,
        database_url=url,
        checkin_by=checkin_by,
    )


def _server_url(table: Table, where: Where, url: str) -> str | None:
    """A PostgreSQL URL, refused when it holds a password: the file is in git."""
    parts = urlsplit(url)
    if parts.password or "password=" in parts.query:
        table.fail(
            where,
            "must not hold a password (this file is shared); set PGPASSWORD or use "
            "~/.pgpass, and write the URL without it",
        )
        return None
    return url


def open_workspace(option: str | os.PathLike[str] | None) -> Workspace:
    """Locate the workspace and read its settings, failing on any problem in them."""
    root = locate(option)
    findings = Findings()
    workspace = read_settings(root, findings)
    if findings.problems:
        raise ValidationFailed(findings.problems)
    return workspace
