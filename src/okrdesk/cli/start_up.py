"""The cyclic garbage collector held back while a command imports what it runs.

Importing okrdesk's command line and a command's modules makes some 40,000
objects (modules, classes, functions, their dictionaries) that live until the
process ends. With the collector's default thresholds Python collects about
fifty times while they are made, and every collection walks those made before
it again, as does every later collection of the command's own work and the
collections of Python's shutdown: the demo report spent about a tenth of its
time in the collector, finding nothing to free.

So the ``okrdesk`` command (``okrdesk.__main__``, which imports click and this
package with the collector off, then ``cli.main``; never a caller that imports
okrdesk as a library) collects rarely until a command has imported its modules,
and then freezes what was imported (``gc.freeze``: no collection walks it again)
and collects as usual. A command that never says it has started keeps the rare
collections to its end: cycles are still freed, a little later.
"""

from __future__ import annotations

import gc

STARTING_THRESHOLD = 100_000
"""Allocations between two collections while a command starts: more than a report's
imports make, so none of them is walked while it is being made."""

_usual: tuple[int, ...] | None = None


def starting() -> None:
    """Collect rarely from here until ``started``; what is imported so far is frozen.
    Calling it again before ``started`` freezes what was imported since."""
    global _usual
    if _usual is None:
        _usual = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(STARTING_THRESHOLD, *_usual[1:])


def started() -> None:
    """The command has imported what it runs: freeze that, and collect as usual again."""
    global _usual
    if _usual is None:
        return
    gc.freeze()
    gc.set_threshold(*_usual)
    _usual = None
