"""Synthetic CRM exports for okrdesk-brokerage: demo data, test books and benchmark firms.

Nothing here computes a metric. ``generator.generate`` writes the seven CSV
files that ``okrdesk_brokerage`` reads, for a realistic, seeded branch or whole
firm: ``population`` draws the clients, ``simulation`` plays out their lives
between snapshots. ``demo.write_demo_data`` sizes such a book to a plan for
``okrdesk demo``.

It is a package of its own so that the metric side, the part a plugin author
copies, stays free of it. This package may import ``okrdesk_brokerage`` (the
file layout, the default settings), never the other way round; the one
exception is the ``okrdesk_demo_data`` hook, which imports it only when the
demo asks for data.
"""

from __future__ import annotations
