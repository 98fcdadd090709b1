"""What a plugin declared when loaded in a process of its own, as the probe that loaded it
reports it (``runner.prober``) and the probe cache keeps it (``probe_cache``)."""

from __future__ import annotations

import attrs

from okrdesk.model import MetricSpec
from okrdesk.records import shared_methods


# A command makes only a few: declared without __slots__, which attrs
# adds by building the class a second time (as report/document.py explains).
@attrs.frozen(slots=False)
@shared_methods
class Probed:
    """What a plugin declared when loaded in a process of its own."""

    errors: list[str]
    version: str
    declared: list[MetricSpec]
    errors_zh: dict[str, str] = attrs.Factory(dict)
    """An error okrdesk wrote (its process hung, ended, printed) → its Chinese."""
    unknown: bool = False
    """No clean answer came (``PluginRecord.unknown``)."""
    undeclared: frozenset[str] = frozenset()
    """The metrics it said it could not declare (``PluginRecord.undeclared``)."""
