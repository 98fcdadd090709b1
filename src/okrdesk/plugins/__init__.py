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

__all__ = [
    "CollectRequest",
    "Emit",
    "RenderContext",
    "ReportFormat",
    "SettingsProblem",
    "hookimpl",
    "number_setting",
]
