"""A collect's figures set aside until every plugin has been heard, then stored at once.

Each plugin call's sound metrics (and each metric a plugin said finished) come while
other plugins, or other grains, are still to be asked. Stored as they came, each in a
transaction of its own, a report that read meanwhile saw this week's AUM beside last
week's new clients. Here they wait, in the store's order, in a temporary file
(``marshal``: plain tuples, as the spool keeps them), and ``Store.replace_rows`` takes
them all in one transaction when the collect has heard every plugin.
"""

from __future__ import annotations

import marshal
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO

import attrs

from okrdesk.periods import DaysHeld, Period
from okrdesk.plugins.spool import plain_item
from okrdesk.store.wholes import FigureRow

_CHUNK = 2000
"""Rows written to the file at a time."""


@attrs.frozen
class StagedCall:
    """One plugin call's sound metrics (metric → plugin) over ``periods``, and where its
    rows lie in the file."""

    collected: Mapping[str, str]
    periods: tuple[Period, ...]
    chunks: tuple[tuple[int, int], ...]
    answered: Mapping[str, frozenset[str]] = attrs.Factory(dict)
    """Metric → the subjects given a figure of it in this call (a zero for no rows is
    none): what ``Store.replace_rows`` needs to tell a unit a source left out."""
    days_held: Mapping[str, DaysHeld] = attrs.Factory(dict)
    """Metric → the days its source holds, where its plugin said so (``emit.covers``):
    ``Store.replace_rows``'s ``covered``."""


class StagedRows:
    """The figures of one collect's plugin calls, held until it stores them."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self._end = 0
        self.calls: list[StagedCall] = []
        self._held_from = 0

    def add(
        self, collected: Mapping[str, str], periods: Sequence[Period], rows: Iterable[FigureRow]
    ) -> int:
        """Set ``rows`` (grouped as ``replace_rows`` takes them) aside for ``collected``;
        how many. Rows read from a spool may turn out to hold a figure emitted twice
        (``EmittedTwice``): then nothing of this call is kept, and the error goes on."""
        chunks: list[tuple[int, int]] = []
        count = 0
        batch: list[FigureRow] = []
        answered: dict[str, set[str]] = {}
        metric, subject, of_metric = "", "", set()
        try:
            for row in rows:
                batch.append(row)
                if not row[8] and (row[1] != subject or row[0] != metric):
                    # A zero for no rows (row[8]) gives no figure. Rows come by metric,
                    # period and subject: a set look-up per subject, not per row.
                    if row[0] != metric:
                        metric = row[0]
                        of_metric = answered.setdefault(metric, set())
                    subject = row[1]
                    of_metric.add(subject)
                if len(batch) >= _CHUNK:
                    count += self._write(batch, chunks)
            count += self._write(batch, chunks)
        except BaseException:
            self._end = chunks[0][0] if chunks else self._end  # written over by the next
            raise
        given = {metric: frozenset(subjects) for metric, subjects in answered.items()}
        self.calls.append(StagedCall(dict(collected), tuple(periods), tuple(chunks), given))
        return count

    def held(self, days: Mapping[str, DaysHeld]) -> None:
        """The days each metric's source holds (``Collected.days_held``), for the calls set
        aside since this was last said: a plugin says it as it collects, and its finished
        metrics are set aside before it is done."""
        for index in range(self._held_from, len(self.calls)):
            call = self.calls[index]
            own = {metric: days[metric] for metric in call.collected if metric in days}
            if own:
                self.calls[index] = attrs.evolve(call, days_held=own)
        self._held_from = len(self.calls)

    def rows(self, call: StagedCall) -> Iterator[FigureRow]:
        """``call``'s rows, in the order they were set aside."""
        for offset, length in call.chunks:
            assert self._file is not None
            self._file.seek(offset)
            yield from marshal.loads(self._file.read(length))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _write(self, batch: list[FigureRow], chunks: list[tuple[int, int]]) -> int:
        if not batch:
            return 0
        if self._file is None:
            # Unnamed where the system allows it, else deleted at once, as the spool's.
            self._file = tempfile.TemporaryFile(prefix="okrdesk-staged-")  # noqa: SIM115 (closed by close)
        try:
            chunk = marshal.dumps(batch)
        except ValueError:  # text of a subclass of str (an enum's): marshal takes str
            chunk = marshal.dumps([tuple(map(plain_item, row)) for row in batch])
        self._file.seek(self._end)
        self._file.write(chunk)
        chunks.append((self._end, len(chunk)))
        self._end += len(chunk)
        written = len(batch)
        batch.clear()
        return written
