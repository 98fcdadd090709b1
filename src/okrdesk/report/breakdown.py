"""A key result's figure split by one dimension, with shares that print as a
branch writes them: each to 0.1%, adding up to exactly 100.0%."""

from __future__ import annotations

import math
from collections.abc import Sequence

from okrdesk.engine.progress import Engine, KeyResultProgress
from okrdesk.model import MetricKind
from okrdesk.report.document import ReportBreakdown, ReportSlice

STEPS = 1000
"""Shares are whole tenths of a percent: 1000 of them make the whole."""


def shares(parts: Sequence[float]) -> list[float] | None:
    """Each part's share of their sum in whole 0.1% steps, by the largest remainder:
    every part gets the steps it wholly earns, and the steps left over go to the
    parts with the largest fractions left, so the shares add up to exactly 1.
    None when the parts add up to 0."""
    whole = math.fsum(parts)
    if not parts or whole == 0:
        return None
    exact = [part / whole * STEPS for part in parts]
    steps = [math.floor(e) for e in exact]
    left = STEPS - sum(steps)
    by_remainder = sorted(range(len(parts)), key=lambda i: (-(exact[i] - steps[i]), i))
    for i in by_remainder[:left]:
        steps[i] += 1
    return [s / STEPS for s in steps]


def breakdown_of(
    engine: Engine, p: KeyResultProgress, dimension: str, lang: str
) -> ReportBreakdown | None:
    """The key result's figure at its subject split by ``dimension``, named in ``lang``
    by the words its plugin declared; None when its metric has no such dimension."""
    kr = p.key_result
    spec = engine.metrics.get(kr.metric or "")
    if spec is None or dimension not in spec.dimensions:
        return None
    if p.closed is not None:
        # A checkpoint past its date shows every figure as it stood then: its parts too.
        engine = Engine(engine.plan, engine.store, p.closed, engine.metrics, trends=False,
                        within=engine.within)  # fmt: skip
    parts = engine.rollup.breakdown(spec.name, p.subject, dimension, kr.where)
    ratio = spec.kind is MetricKind.RATIO
    weights = [(f.denominator if ratio else f.value) or 0.0 for _, f in parts]
    computed = shares(weights)
    found: list[float | None] = [*computed] if computed is not None else [None] * len(parts)
    return ReportBreakdown(
        dimension,
        spec.dimension_name(dimension, lang),
        tuple(ReportSlice(value, spec.dimension_value(dimension, value, lang), f.value,
                          f.numerator, f.denominator, share)
              for (value, f), share in zip(parts, found, strict=True)),
    )  # fmt: skip
