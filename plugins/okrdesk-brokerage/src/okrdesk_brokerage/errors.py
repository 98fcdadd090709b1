"""Errors the plugin raises; the host reports them under the plugin's name.

Every message says where to look, so a branch's data team can fix the export
without reading a traceback: ``trades.csv:17: column 'commission': ...``. Each is
worded in English and in Chinese where it is raised (``zh`` is required, so a new
one cannot be left in English only): ``str(error)`` is the English, ``error.said``
both, which the host shows in the command's language.
"""

from __future__ import annotations

from okrdesk.errors import Said
from okrdesk.plugins.failures import SettingsMistake


class BrokerageError(ValueError):
    """Something in the settings or the export is wrong and the user can fix it."""

    said: Said
    """The message in English and in Chinese (the host's ``describe_error`` reads it)."""


class SettingsError(BrokerageError, SettingsMistake):
    """The ``[sources.brokerage]`` table is wrong: its ``key`` (the setting, "" for the
    table) and ``detail`` (what is wrong with it; ``detail_zh`` in Chinese); ``missing``
    when what it names is not on this machine. Raised from the collect, it is told
    without the line of this plugin it was raised at (a ``SettingsMistake``): the user's
    okrdesk.toml is what is wrong."""

    def __init__(self, key: str, detail: str, *, zh: str, missing: bool = False) -> None:
        self.key, self.detail, self.detail_zh, self.missing = key, detail, zh, missing
        self.said = Said(
            f"[sources.brokerage]: setting {key!r} {detail}",
            f"[sources.brokerage]：设置 {key!r} {zh}",
        )
        super().__init__(self.said.en)


class ExportError(BrokerageError):
    """A file of the export is missing, unreadable or holds a malformed row: ``message``
    (``zh`` in Chinese) about ``column`` of ``line`` where there is one."""

    def __init__(
        self,
        file: str,
        message: str,
        *,
        zh: str,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        where = file if line is None else f"{file}:{line}"
        if column is None:
            self.said = Said(f"{where}: {message}", f"{where}：{zh}")
        else:
            self.said = Said(
                f"{where}: column {column!r}: {message}", f"{where}：{column} 列：{zh}"
            )
        super().__init__(self.said.en)
