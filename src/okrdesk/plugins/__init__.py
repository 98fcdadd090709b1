"""Plugins: the hook contract, discovery and isolation."""

from okrdesk.plugins.hookspecs import CollectRequest, Emit, RenderContext, ReportFormat, hookimpl

__all__ = ["CollectRequest", "Emit", "RenderContext", "ReportFormat", "hookimpl"]
