"""The cyclic garbage collector held back while a command runs.

Importing okrdesk's command line and a command's modules makes some 40,000
objects (modules, classes, functions, their dictionaries) that live until the
process ends. With the collector's default thresholds Python collects about
fifty times while they are made, and every collection walks those made before
it again, as does every later collection of the command's own work and the
collections of Python's shutdown: the demo report spent about a tenth of its
time in the collector, finding nothing to free.

So the ``okrdesk`` command (``okrdesk.__main__``, which imports click and this
package with the collector off, then ``cli.main``; never a caller that imports
okrdesk as a library) collects rarely, once every ``COMMAND_THRESHOLD``
allocations, from its start to its end, and freezes what it imported once it
has imported it (``gc.freeze``: no collection walks it again). Python's usual
collection every 700 allocations walked what the command had built so far again
and again: 6 M instructions of the demo report's 677 M (1%), for nothing freed;
a collect of the demo's files peaks at the same memory either way. Cycles are
still freed, a little later.
"""

from __future__ import annotations

import gc

COMMAND_THRESHOLD = 100_000
"""Allocations between two collections while a command runs: more than a report's
imports make, so none of them is walked while it is being made."""

_usual: tuple[int, ...] | None = None


def starting() -> None:
    """Collect rarely from here on; what is imported so far is frozen. Calling it again
    freezes what was imported since."""
    global _usual
    if _usual is None:
        _usual = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(COMMAND_THRESHOLD, *_usual[1:])


def started() -> None:
    """The command has imported what it runs: freeze that. Nothing at all where the
    command did not start through ``starting`` (okrdesk used as a library, whose
    collector is the caller's)."""
    if _usual is None:
        return
    gc.freeze()
