"""A key result's figure split by one dimension, with each part's share of the whole.

A share is the part over the whole, printed by the one display rule like every
other percentage: 147 of 271 prints 54.2%, what a manager's calculator says, and
two equal parts print the same share. Rounded one by one, the printed shares can
add up to 99.9% or 100.1%; forcing them to 100.0% (the largest remainder) would
print one of two equal parts a tenth higher than the other."""

from __future__ import annotations

import math
from collections.abc import Sequence

from okrdesk.engine.progress import Engine, KeyResultProgress
from okrdesk.messages import label
from okrdesk.model import MetricKind, MetricSpec, slice_values
from okrdesk.report.document import ReportBreakdown, ReportSlice


def shares(parts: Sequence[float]) -> list[float] | None:
    """Each part's share of their sum; None when the parts add up to 0."""
    whole = math.fsum(parts)
    if not parts or whole == 0:
        return None
    return [part / whole for part in parts]


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
    # A rate's checkpoint of a phase is split over the phase's periods, as its figure.
    parts = engine.phase_rollup(kr).breakdown(spec.name, p.subject, dimension, kr.where)
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


def slice_label(spec: MetricSpec, text: str, lang: str) -> str:
    """A stored slice (``gender=female;tier=600w``) in the words a breakdown of it uses:
    each dimension its plugin declared words for as "性别：女" ("gender: female"), the
    value as stored where no word is given for it; a dimension declared without words
    as its stored key (``tier=600w``), the one name a reader can then look up."""
    parts = []
    for name, value in slice_values(text).items():
        if name in spec.dimension_labels:
            parts.append(label(lang, "slice_part", dimension=spec.dimension_name(name, lang),
                               value=spec.dimension_value(name, value, lang)))  # fmt: skip
        else:
            parts.append(f"{name}={value}")
    return label(lang, "slice_sep").join(parts)
