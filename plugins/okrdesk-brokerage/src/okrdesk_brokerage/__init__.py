"""okrdesk metrics for securities-brokerage branches, read from a CRM's CSV exports.

The plugin module is ``okrdesk_brokerage.plugin`` (the ``brokerage`` entry point in
the ``okrdesk`` group). This package is the part a plugin author copies: metric
declarations, the CSV readers and the arithmetic. Realistic exports for demos,
tests and benchmarks come from the separate ``okrdesk_brokerage_synthetic``
package, which this one never imports except inside the demo-data hook.
"""

from __future__ import annotations

__version__ = "0.1.0"
