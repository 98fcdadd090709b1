"""Plugins: the hook contract, discovery and isolation."""

from okrdesk.plugins.hookspecs import (
    CollectRequest,
    Emit,
    RenderContext,
    ReportFormat,
    SettingsProblem,
    hookimpl,
)

__all__ = ["CollectRequest", "Emit", "RenderContext", "ReportFormat", "SettingsProblem", "hookimpl"]
