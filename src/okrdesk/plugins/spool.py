"""Where one plugin call's checked observations wait until the call has ended.

A plugin's figures are kept only when the whole call succeeded, and a
metric only when none of its figures was refused, so nothing can be stored
while the plugin is still emitting, except a metric it said it has finished
(``emit.finished``): that one is handed to ``keep`` at once (which sets it aside
for the collect to store) and dropped from here.
Holding them in memory made a firm's collect grow with the firm. A call's
first ``_IN_MEMORY`` figures are kept in a list, with a set of their keys
that finds a figure emitted twice; most calls never have more. Beyond that
they wait in a temporary file, in a bucket for each metric and period,
appended a chunk of rows at a time (``marshal``: plain tuples of text and
numbers, which it writes and reads several times faster than SQLite stores
and sorts them, and which never runs code when read back). A bucket is read
back whole, one at a time, in the store's order: every row of a figure is in
its bucket, so a figure emitted twice is found there, before its metric is
stored (``settle``), or as it is stored, before anything of it is kept
(``settled_rows``, which reads each bucket once for both). Until then only what
is not written yet, a chunk per bucket at most, is held in memory.
"""

from __future__ import annotations

import marshal
import operator
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO

import attrs

from okrdesk.model import Observation, slice_values

_BATCH = 2000
_IN_MEMORY = 50_000
"""Figures a spool holds as Python rows before it moves them to its file."""
_CHUNK = 1024
"""Rows of one bucket written to the file at a time."""
_UNWRITTEN = 50_000
"""Rows waiting in all the buckets, beyond which every bucket is written out: a plugin
that emits many metrics and periods at once holds no more than this."""

SpooledRow = tuple[str, str, str, str, float | None, float | None, float | None, str, int]
"""One checked figure: metric, subject, period, slice, value, numerator, denominator, source,
and 1 for a zero for no rows (``Observation.no_rows``), else 0."""


def zero_for_no_rows(row: SpooledRow) -> bool:
    """Whether a checked figure is a zero given for no rows (``Observation.no_rows``: the
    SQL source's ``no_rows_means_zero``, a plugin's ``emit(..., no_rows=True)``), not a 0
    its source counted: what ``Store.replace_rows`` keeps from replacing figures stored
    (``stands_in``)."""
    return bool(row[8])


_Row = SpooledRow
_NumberedRow = tuple[
    str, str, str, str, float | None, float | None, float | None, str, int, int
]  # fmt: skip
"""A spooled row with its place in the order emitted (``seq``) last."""

_FIGURE_IN_PERIOD = operator.itemgetter(1, 3)
"""A row's subject and slice: its figure within its metric and period."""
_SEQ = operator.itemgetter(9)


class EmittedTwice(Exception):
    """Rows being read from a spool (``Spool.settled_rows``) turned out to hold a figure
    emitted twice: its metric is refused, and none of the rows may be kept."""


@attrs.define
class _Bucket:
    """The rows of one metric and period beyond the first ``_IN_MEMORY``, in the order
    emitted: chunks in the spool's file, then what is not written yet."""

    chunks: list[tuple[int, int]] = attrs.Factory(list)
    """(offset, length) of each chunk written."""
    unwritten: list[_NumberedRow] = attrs.Factory(list)
    last: int = -1
    """The place in the order emitted (``seq``) of its last row."""
    settled: int = -1
    """The ``seq`` up to which its rows were looked through for figures emitted twice."""


class Spool:
    """Checked observations of one plugin call, held or in a temporary file, as plain
    rows; ``twice`` hears of each row whose metric, subject, period and slice were
    already kept (the first stays), when the rows are ``settle``\\ d at the latest."""

    def __init__(self, twice: Callable[[SpooledRow], None]) -> None:
        self._twice = twice
        self._batch: list[_Row] = []
        self._held: list[_Row] | None = []
        """What was kept, while it is few enough to hold here (None once in the file)."""
        self._keys: set[tuple[str, str, str, str]] = set()
        self._closed = False
        self.count = 0
        self._file: IO[bytes] | None = None
        self._end = 0
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._unwritten = 0

    def add(self, row: SpooledRow) -> None:
        if self._closed:  # a plugin left behind after its time ran out: nothing lands
            return
        self._batch.append(row)
        if len(self._batch) >= _BATCH:
            self.flush()

    def extend(self, rows: list[SpooledRow]) -> None:
        """``add`` each of ``rows``, in order."""
        if self._closed:
            return
        self._batch.extend(rows)
        if len(self._batch) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        """Take in the rows added since the last flush."""
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        held = self._held
        if held is not None and len(held) + len(batch) <= _IN_MEMORY:
            keys = self._keys
            for row in batch:
                key = (row[0], row[1], row[2], row[3])
                if key in keys:
                    self._twice(row)
                else:
                    keys.add(key)
                    held.append(row)
            self.count += len(batch)
            return
        if held is not None:  # too many to hold: what is held moves to the file
            self._place(_numbered(held, 0))
            self._held = None
            self._keys = set()
        self._place(_numbered(batch, self.count))
        self.count += len(batch)

    def settle(self, metrics: Iterable[str] | None = None) -> None:
        """Take in what was added, and tell ``twice`` of every figure (of ``metrics`` only,
        when given) emitted twice that it has not heard of: call before a metric is
        stored, so that a metric with such a figure is refused first."""
        self.flush()
        if self._held is not None:
            return  # each was told as it came
        twice: list[_NumberedRow] = []
        for key in self._chosen(metrics):
            bucket = self._buckets[key]
            if bucket.settled < bucket.last:
                repeats: list[_NumberedRow] = []
                self._unique(bucket, repeats)
                # Those looked through before were told then.
                twice.extend(row for row in repeats if row[9] > bucket.settled)
                bucket.settled = bucket.last
        for row in sorted(twice, key=_SEQ):
            self._twice(_unnumbered(row))

    def settled_rows(self, metrics: Iterable[str]) -> Iterator[SpooledRow]:
        """``settle(metrics)`` and then ``rows(metrics, grouped=True)``, each bucket read
        once: where a bucket holds a figure emitted twice, ``twice`` hears of every such
        figure of ``metrics`` it has not heard of (as ``settle`` tells them) and
        ``EmittedTwice`` is raised before any of that bucket's rows, so that whatever was
        taking the rows keeps none of them. Take in what was added (``flush``) and see to
        what ``twice`` heard then first: figures held in memory were told of as they came."""
        chosen = list(metrics)
        if self._held is not None:
            yield from self.rows(chosen, grouped=True)
            return
        for key in self._chosen(chosen):
            bucket = self._buckets[key]
            repeats: list[_NumberedRow] = []
            kept = self._unique(bucket, repeats)
            if repeats:
                self.settle(chosen)
                raise EmittedTwice(f"{key[0]} {key[1]}: a figure emitted twice")
            bucket.settled = bucket.last
            yield from map(_unnumbered, kept)

    def observations(
        self, metrics: Iterable[str] | None = None, *, grouped: bool = False
    ) -> Iterator[Observation]:
        """What was kept (of ``metrics`` only, when given): in the order emitted, or
        ``grouped`` as the store takes them, by metric, period, subject and slice."""
        for row in self.rows(metrics, grouped=grouped):
            yield _observation(row)

    def rows(
        self, metrics: Iterable[str] | None = None, *, grouped: bool = False
    ) -> Iterator[SpooledRow]:
        """``observations`` as the rows they were spooled as."""
        self.flush()
        if self._held is not None:
            wanted = set(metrics) if metrics is not None else None
            found = [r for r in self._held if wanted is None or r[0] in wanted]
            yield from sorted(found, key=_store_order) if grouped else found
            return
        chosen = self._chosen(metrics)
        if grouped:
            # The buckets in the key's order, each one's rows then by subject and slice.
            for key in chosen:
                yield from map(_unnumbered, self._unique(self._buckets[key]))
            return
        kept = [row for key in chosen for row in self._unique(self._buckets[key])]
        kept.sort(key=_SEQ)
        yield from map(_unnumbered, kept)

    def drop(self, metric: str) -> None:
        """Forget what was kept of ``metric`` (stored already): it holds no memory, and
        the file is emptied once nothing else is in it."""
        self.flush()
        if self._held is not None:
            self._held = [row for row in self._held if row[0] != metric]
            self._keys = {key for key in self._keys if key[0] != metric}
            return
        for key in [key for key in self._buckets if key[0] == metric]:
            self._unwritten -= len(self._buckets.pop(key).unwritten)
        if not self._buckets and self._file is not None:
            self._file.seek(0)
            self._file.truncate()
            self._end = 0

    def close(self) -> None:
        self._closed = True
        self._held = []
        self._keys = set()
        if self._file is not None:
            self._file.close()
            self._file = None
        self._buckets = {}
        self._unwritten = 0
        self._batch = []

    def _chosen(self, metrics: Iterable[str] | None) -> list[tuple[str, str]]:
        """The buckets of ``metrics`` (or all), in the key's order: metric, then period."""
        wanted = set(metrics) if metrics is not None else None
        return sorted(key for key in self._buckets if wanted is None or key[0] in wanted)

    def _place(self, rows: Iterable[_NumberedRow]) -> None:
        """Each of ``rows`` into its bucket, writing a bucket's chunk whenever it is full."""
        buckets = self._buckets
        for row in rows:
            key = (row[0], row[2])
            bucket = buckets.get(key)
            if bucket is None:
                bucket = buckets[key] = _Bucket()
            bucket.unwritten.append(row)
            bucket.last = row[9]
            self._unwritten += 1
            if len(bucket.unwritten) >= _CHUNK:
                self._write(bucket)
        if self._unwritten > _UNWRITTEN:
            for bucket in buckets.values():
                self._write(bucket)

    def _write(self, bucket: _Bucket) -> None:
        if not bucket.unwritten:
            return
        if self._file is None:
            # Unnamed where the system allows it, else deleted at once: nothing to clean
            # up after a crash, and no other user can open it.
            self._file = tempfile.TemporaryFile(prefix="okrdesk-spool-")  # noqa: SIM115 (closed by close)
        try:
            chunk = marshal.dumps(bucket.unwritten)
        except ValueError:  # text of a subclass of str (an enum's, say): marshal takes str
            chunk = marshal.dumps([_exact(row) for row in bucket.unwritten])
        self._file.seek(self._end)
        self._file.write(chunk)
        bucket.chunks.append((self._end, len(chunk)))
        self._end += len(chunk)
        self._unwritten -= len(bucket.unwritten)
        bucket.unwritten = []

    def _read(self, bucket: _Bucket) -> list[_NumberedRow]:
        """The bucket's rows, in the order emitted."""
        found: list[_NumberedRow] = []
        if bucket.chunks:
            assert self._file is not None
            for offset, length in bucket.chunks:
                self._file.seek(offset)
                found.extend(marshal.loads(self._file.read(length)))
        found.extend(bucket.unwritten)
        return found

    def _unique(
        self, bucket: _Bucket, twice: list[_NumberedRow] | None = None
    ) -> list[_NumberedRow]:
        """The bucket's rows by subject and slice, each figure once (the first emitted);
        those left out are added to ``twice``."""
        rows = self._read(bucket)
        rows.sort(key=_FIGURE_IN_PERIOD)  # stable: a figure emitted twice, first emitted first
        kept: list[_NumberedRow] = []
        subject: str | None = None
        cut: str | None = None
        for row in rows:
            if row[3] == cut and row[1] == subject:
                if twice is not None:
                    twice.append(row)
                continue
            subject, cut = row[1], row[3]
            kept.append(row)
        return kept


def _numbered(rows: list[_Row], first: int) -> Iterator[_NumberedRow]:
    """``rows`` each with its place in the order emitted (``seq``), from ``first``."""
    for seq, row in enumerate(rows, first):
        yield (*row, seq)


def _exact(row: _NumberedRow) -> _NumberedRow:
    """``row`` with any text or number of a subclass (of ``str``, ``float``, ``int``) as
    the plain type, which ``marshal`` writes: the same values, as the store writes them."""
    return tuple(map(plain_item, row))  # type: ignore[return-value]


def plain_item(item: object) -> object:
    """``item`` as the plain type ``marshal`` writes (text or a number of a subclass of
    ``str``, ``float``, ``int``: an enum's): the same value, as the store writes it."""
    if item is None or type(item) in (str, float, int):
        return item
    if isinstance(item, str):
        return str.__str__(item)
    if isinstance(item, float):
        return float(item)
    if isinstance(item, int):
        return int(item)
    return item


def _unnumbered(row: _NumberedRow) -> _Row:
    return row[:9]


def _store_order(row: _Row) -> tuple[str, str, str, str]:
    """Metric, period, subject and slice: the order ``Store.replace_rows`` takes figures
    in, in which a period that comes back the same gives the same fingerprint."""
    return (row[0], row[2], row[1], row[3])


def _observation(row: _Row) -> Observation:
    metric, subject, period, cut, value, numerator, denominator, source, no_rows = row
    return Observation(
        metric, subject, period, value, numerator, denominator, source,
        slice_values(cut) if cut else {}, bool(no_rows),
    )  # fmt: skip
