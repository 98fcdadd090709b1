"""Metric plugins: the hook contract, discovery and isolation."""

from okrdesk.plugins.hookspecs import CollectRequest, Emit, hookimpl

__all__ = ["CollectRequest", "Emit", "hookimpl"]
