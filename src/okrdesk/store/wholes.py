"""A figure's whole beside its slices: where a plugin gives a metric by its dimensions
(new clients by gender), the store keeps each slice and their sum under the slice ''
(the whole), so that every read of the whole figure finds one row, and a whole is never
read as one more slice. Sums are written to the decimals their parts are written to."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from okrdesk.model import (
    Observation,
)

if TYPE_CHECKING:
    pass


def with_wholes(
    observations: Iterable[Observation], *, grouped: bool = False
) -> Iterator[Observation]:
    """The observations, with the whole figure of each metric, subject and period
    that was emitted in slices: their sum (value, numerator and denominator each),
    so the parts always add up to the whole. A whole emitted beside its slices
    keeps its source, and its figures are replaced by that sum. The slices are added
    in the order of their text, whatever order they came in: floating point sums
    0.1 + 0.2 + 0.3 and 0.3 + 0.2 + 0.1 to two numbers, and a whole must not depend
    on the order a plugin happened to emit its slices in.

    ``grouped``: the observations of each metric, subject and period come one after
    another, so only one such group is held at a time, not every observation."""
    if grouped:
        for key, group in itertools.groupby(observations, _figure_of):
            yield from _group_with_whole(key, list(group))
        return
    given = list(observations)
    wholes: dict[tuple[str, str, str], list[Observation]] = {}
    for o in given:
        if o.dimensions:
            wholes.setdefault((o.metric, o.subject, o.period), []).append(o)
            yield o
    sources: dict[tuple[str, str, str], str] = {}
    for o in given:
        if not o.dimensions and (o.metric, o.subject, o.period) not in wholes:
            yield o
        elif not o.dimensions:
            sources[(o.metric, o.subject, o.period)] = o.source
    for key, parts in wholes.items():
        yield _whole(key, parts, sources.get(key, ""))


FigureRow = tuple[str, str, str, str, float | None, float | None, float | None, str, int]
"""One figure as it is collected: metric, subject, period, slice, value, numerator,
denominator, source, and 1 for a zero for no rows (``Observation.no_rows``), else 0."""


_figure_of_row: Callable[[FigureRow], tuple[str, str, str]] = operator.itemgetter(0, 1, 2)
"""A figure's metric, subject and period: called once per row stored."""


def rows_with_wholes(rows: Iterable[FigureRow]) -> Iterator[FigureRow]:
    """``with_wholes`` of grouped rows, row for row: the same figures, sums and sources,
    with no object made for a figure that is whole already (the common case)."""
    for key, grouped in itertools.groupby(rows, _figure_of_row):
        first, *rest = grouped
        if not rest:
            yield first
            if first[3]:  # one slice (a firm's AUM, mostly): its whole is the slice
                value, numerator, denominator = first[4:7]
                yield (
                    *key, "", None if value is None else 0 + value,
                    None if numerator is None else 0 + numerator,
                    None if denominator is None else 0 + denominator, _ONE_SLICE, 0,
                )  # fmt: skip
            continue
        parts = [r for r in (first, *rest) if r[3]]
        if not parts:
            yield first
            yield from rest
            continue
        yield from parts
        source = next((r[7] for r in (first, *rest) if not r[3]), "")
        yield _whole_row(key, parts, source)


def wholes_to_add(rows: Sequence[FigureRow]) -> int:
    """How many rows ``rows_with_wholes`` adds to the rows of one metric and period, each
    figure's slices given once: a whole for each figure given in slices alone, so as many
    as there are figures (subjects) less the wholes given."""
    wholes = sum(1 for row in rows if not row[3])
    return 0 if wholes == len(rows) else len({row[1] for row in rows}) - wholes


def _sum_of_slices(count: int) -> str:
    """The source of a whole figure added up from ``count`` slices that cite none."""
    return f"sum of {count} slice{'s' if count > 1 else ''}"


_ONE_SLICE = _sum_of_slices(1)


def _whole_row(key: tuple[str, str, str], parts: list[FigureRow], source: str) -> FigureRow:
    count = _sum_of_slices(len(parts))
    parts = sorted(parts, key=_slice_of_row)
    return (
        *key, "", _sum(p[4] for p in parts), _sum(p[5] for p in parts),
        _sum(p[6] for p in parts), source or count, 0,
    )  # fmt: skip


_slice_of_row: Callable[[FigureRow], str] = operator.itemgetter(3)


_slice_of: Callable[[Observation], str] = operator.attrgetter("slice")


def _figure_of(o: Observation) -> tuple[str, str, str]:
    return (o.metric, o.subject, o.period)


def _group_with_whole(key: tuple[str, str, str], group: list[Observation]) -> Iterator[Observation]:
    parts = [o for o in group if o.dimensions]
    if not parts:
        yield from group
        return
    yield from parts
    yield _whole(key, parts, next((o.source for o in group if not o.dimensions), ""))


def _whole(key: tuple[str, str, str], parts: list[Observation], source: str) -> Observation:
    count = _sum_of_slices(len(parts))
    parts = sorted(parts, key=_slice_of)
    return Observation(
        *key, _sum(p.value for p in parts), _sum(p.numerator for p in parts),
        _sum(p.denominator for p in parts), source or count,
    )  # fmt: skip


def _sum(numbers: Iterable[float | None]) -> float | None:
    """The sum of the slices' figures as they are written: 0.1 + 0.2 is 0.3, where binary
    arithmetic gives 0.30000000000000004, a whole with digits none of its slices has."""
    found = [n for n in numbers if n is not None]
    if not found:
        return None
    return round(sum(found), max(map(_decimals_written, found))) + 0.0


def _decimals_written(figure: float) -> int:
    """The decimals of ``figure`` as Python writes it at its shortest (``repr``); 17, more
    than a float holds, where it is written with an exponent (1e-07)."""
    text = repr(float(figure))
    return 17 if "e" in text else len(text) - text.index(".") - 1
