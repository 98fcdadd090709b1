"""okrdesk metrics for securities-brokerage branches, read from a CRM's CSV exports.

The plugin module is ``okrdesk_brokerage.plugin`` (the ``brokerage`` entry point in
the ``okrdesk`` group); ``okrdesk_brokerage.generator`` writes realistic exports
for demos, tests and benchmarks.
"""

from __future__ import annotations

__version__ = "0.1.0"
