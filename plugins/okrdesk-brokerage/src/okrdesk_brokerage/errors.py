"""Errors the plugin raises; the host reports them under the plugin's name.

Every message says where to look, so a branch's data team can fix the export
without reading a traceback: ``trades.csv:17: column 'commission': ...``.
"""

from __future__ import annotations


class BrokerageError(ValueError):
    """Something in the settings or the export is wrong and the user can fix it."""


class SettingsError(BrokerageError):
    """The ``[sources.brokerage]`` table is wrong: its ``key`` (the setting, "" for the
    table) and ``detail`` (what is wrong with it); ``missing`` when what it names is not on
    this machine."""

    def __init__(self, key: str, detail: str, *, missing: bool = False) -> None:
        self.key, self.detail, self.missing = key, detail, missing
        super().__init__(f"[sources.brokerage]: setting {key!r} {detail}")


class ExportError(BrokerageError):
    """A file of the export is missing, unreadable or holds a malformed row."""

    def __init__(
        self, file: str, message: str, *, line: int | None = None, column: str | None = None
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        where = file if line is None else f"{file}:{line}"
        what = message if column is None else f"column {column!r}: {message}"
        super().__init__(f"{where}: {what}")
