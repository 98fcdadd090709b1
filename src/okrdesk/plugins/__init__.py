"""Plugins: the hook contract, discovery and isolation.

What a plugin imports is here, by name: ``from okrdesk.plugins import hookimpl,
SettingsProblem, SettingsMistake, ReportFormatError, text_encoding, decoded_lines,
NotEncoded``.
(``okrdesk.plugins.text_encoding`` is the function; its module's other names are
exported here beside it.)"""

from okrdesk.plugins.failures import SettingsMistake
from okrdesk.plugins.hookspecs import (
    CollectRequest,
    Emit,
    RenderContext,
    ReportFormat,
    ReportFormatError,
    SettingsProblem,
    hookimpl,
)
from okrdesk.plugins.settings_checks import number_setting
from okrdesk.plugins.text_encoding import (
    NoByteOrderMark,
    NotEncoded,
    NotWide,
    byte_order_mark,
    decoded,
    decoded_lines,
    text_encoding,
    utf8_copy,
)

__all__ = [
    "CollectRequest",
    "Emit",
    "NoByteOrderMark",
    "NotEncoded",
    "NotWide",
    "RenderContext",
    "ReportFormat",
    "ReportFormatError",
    "SettingsMistake",
    "SettingsProblem",
    "byte_order_mark",
    "decoded",
    "decoded_lines",
    "hookimpl",
    "number_setting",
    "text_encoding",
    "utf8_copy",
]
