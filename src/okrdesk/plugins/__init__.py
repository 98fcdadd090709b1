"""Plugins: the hook contract, discovery and isolation."""

from okrdesk.plugins.hookspecs import (
    CollectRequest,
    Emit,
    RenderContext,
    ReportFormat,
    SettingsProblem,
    hookimpl,
)
from okrdesk.plugins.settings_checks import number_setting
from okrdesk.plugins.text_encoding import (
    NoByteOrderMark,
    NotEncoded,
    byte_order_mark,
    decoded,
    text_encoding,
)

__all__ = [
    "CollectRequest",
    "Emit",
    "NoByteOrderMark",
    "NotEncoded",
    "RenderContext",
    "ReportFormat",
    "SettingsProblem",
    "byte_order_mark",
    "decoded",
    "hookimpl",
    "number_setting",
    "text_encoding",
]
