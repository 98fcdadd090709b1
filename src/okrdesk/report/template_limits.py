"""What one step of a report template may cost: no whole number past ``MOST_BITS``, and,
on Linux, no more than ``MOST_MEMORY`` while it renders.

The time limit ``render_template`` holds a template to stops its loops, but not a single
operation inside Python's C code, which no signal interrupts: ``9 ** 999999999`` in a
template someone sent would compute for hours past any limit, and ``"x" * 10**11`` or
``"x"|center(10**10)`` asks for gigabytes in one go, until the machine swaps or the
kernel kills a process. Multiplying and raising whole numbers is the one step whose time
grows faster than what it makes, so the numbers it makes are held to a size a figure
never needs; every other step's time follows the memory it fills, so capping that
memory bounds them all.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

MOST_BITS = 100_000
"""Bits a whole number a template multiplies or raises to a power may have: 30,000 digits,
where the largest figure of a firm-wide report has twenty."""

MOST_MEMORY = 2 * 1024**3
"""Bytes a template may take beyond what okrdesk holds as it starts rendering: eight times
the most it may write."""


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """jinja2's immutable sandbox, whose ``*`` and ``**`` refuse to make a whole number
    of more than ``MOST_BITS`` (also when jinja2 would work a constant out as it reads
    the template, which an intercepted operator stops it from doing)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if _whole(left) and _whole(right) and _bits(operator, left, right) > MOST_BITS:
            raise SecurityError(
                f"{operator} would make a whole number of more than {MOST_BITS:,} bits, "
                "far more than any figure"
            )
        return super().call_binop(context, operator, left, right)


def _whole(value: object) -> bool:
    return isinstance(value, int)


def _bits(operator: str, left: int, right: int) -> int:
    """At least as many bits as ``left operator right`` would have."""
    if operator == "*":
        return left.bit_length() + right.bit_length()
    if right < 0 or abs(left) <= 1:
        return 1  # a fraction, or 0, 1 or -1 whatever the power
    return right * abs(left).bit_length()


@contextlib.contextmanager
def memory_capped() -> Iterator[None]:
    """Allocation past ``MOST_MEMORY`` beyond what the process holds now fails (as
    ``MemoryError``) until the block ends. Only Linux counts a process's data so that
    such a cap holds; elsewhere the time limit is all there is."""
    if sys.platform != "linux":
        yield
        return
    import resource

    held = _data_held()
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = held + MOST_MEMORY if held is not None else None
    if cap is not None and hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if cap is None or (soft != resource.RLIM_INFINITY and soft <= cap):
        yield  # unknown, or already held tighter by whoever started okrdesk
        return
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _data_held() -> int | None:
    """Bytes of data the process holds now, as the kernel counts them against
    ``RLIMIT_DATA``; None when it cannot be read."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


__all__ = ["MOST_BITS", "MOST_MEMORY", "BoundedSandbox", "memory_capped"]
