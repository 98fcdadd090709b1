"""The ``emit`` a plugin gets in its own process, and what crosses back to okrdesk.

What a plugin emits is sent to okrdesk's process in batches, as values that pickle
plainly; a value of another type crosses as an ``Unsendable`` naming its type, so the
checker there refuses it with the same words as one emitted in okrdesk's own process
(``emit_checks``).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from okrdesk.plugins.failures import worded

if TYPE_CHECKING:
    from multiprocessing.connection import Connection


_BATCH = 5000


_SENDABLE = (str, int, float, bool, decimal.Decimal, type(None))


class Relay:
    """The ``emit`` a plugin gets in its own process: sends what it emits home in batches."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._batch: list[tuple[Any, ...]] = []

    def __call__(
        self,
        metric: object,
        subject: object,
        period: object,
        *,
        value: object = None,
        numerator: object = None,
        denominator: object = None,
        source: object = "",
        dimensions: object = None,
        no_rows: object = False,
    ) -> None:
        fields = (metric, subject, period, value, numerator, denominator)
        sent = tuple(f if isinstance(f, _SENDABLE) else Unsendable.of(f) for f in fields)
        mark = no_rows if isinstance(no_rows, _SENDABLE) else Unsendable.of(no_rows)
        if type(source) is not str or len(source) > SOURCE_LIMIT:
            source = kept_source(source)
        self._batch.append((*sent, source, _sendable_dimensions(dimensions), mark))
        if len(self._batch) >= _BATCH:
            self.flush()

    def many(
        self,
        metric: object,
        subjects: Iterable[object],
        periods: Iterable[object],
        *,
        values: Iterable[object] | None = None,
        numerators: Iterable[object] | None = None,
        denominators: Iterable[object] | None = None,
        sources: Iterable[object] | None = None,
        dimensions: Iterable[object] | None = None,
        no_rows: Iterable[object] | None = None,
    ) -> None:
        columns = many_columns(
            subjects, periods, values, numerators, denominators, sources, dimensions, no_rows
        )
        if not _plain(metric, columns):
            # Something the host must see wrapped (a number of another type, a long
            # source): sent as that many single emits, so it is refused the same way.
            for row in zip(*filled(columns), strict=True):
                subject, period, value, numerator, denominator, source, cut, mark = row
                self(metric, subject, period, value=value, numerator=numerator,
                     denominator=denominator, source=source, dimensions=cut,
                     no_rows=mark)  # fmt: skip
            return
        self.flush()
        for start in range(0, len(columns[0]), _MANY_BATCH):
            end = start + _MANY_BATCH
            chunk = tuple(None if c is None else c[start:end] for c in columns)
            self._connection.send(("many", metric, chunk))

    def error(self, metric: object, message: object, *, zh: object = "") -> None:
        self.flush()
        self._connection.send(("error", str(metric), str(message)[:500], str(zh)[:500]))

    def warning(self, metric: object, message: object, *, zh: object = "") -> None:
        self.flush()
        self._connection.send(("warning", str(metric), str(message)[:500], str(zh)[:500]))

    def finished(self, metric: object) -> None:
        self.flush()
        self._connection.send(("finished", str(metric)))

    def covers(self, first_day: object, last_day: object, metric: object = None) -> None:
        # A day crosses as it is; anything else (a datetime, text, pandas' Timestamp,
        # which would need pandas in okrdesk's process) as its type's name, refused there.
        days = tuple(
            dt.date(d.year, d.month, d.day)
            if isinstance(d, dt.date) and not isinstance(d, dt.datetime)
            else Unsendable.of(d)
            for d in (first_day, last_day)
        )
        named = metric if metric is None or type(metric) is str else Unsendable.of(metric)
        self.flush()
        self._connection.send(("covers", *days, named))

    def flush(self) -> None:
        if self._batch:
            self._connection.send(("emit", self._batch))
            self._batch = []


Columns = tuple[
    list[Any], list[Any], list[Any] | None, list[Any] | None, list[Any] | None,
    list[Any] | None, list[Any] | None, list[Any] | None,
]  # fmt: skip
"""``emit.many``'s columns as lists: subjects, periods, values, numerators, denominators,
sources, dimensions and no_rows, each None where the plugin gave none."""


_MANY_BATCH = 20_000


_NAMES = (
    "subjects", "periods", "values", "numerators", "denominators", "sources", "dimensions",
    "no_rows",
)  # fmt: skip


def many_columns(
    subjects: Iterable[Any],
    periods: Iterable[Any],
    values: Iterable[Any] | None = None,
    numerators: Iterable[Any] | None = None,
    denominators: Iterable[Any] | None = None,
    sources: Iterable[Any] | None = None,
    dimensions: Iterable[Any] | None = None,
    no_rows: Iterable[Any] | None = None,
) -> Columns:
    """The columns of one ``emit.many`` call as lists, all as long as ``subjects``; a
    ValueError (the plugin's call fails, in either language) when one is not."""
    given = (subjects, periods, values, numerators, denominators, sources, dimensions, no_rows)
    lists = [None if column is None else list(column) for column in given]
    length = len(lists[0] or ())
    for name, column in zip(_NAMES, lists, strict=True):
        if column is not None and len(column) != length:
            held, subjects = f"{len(column):,}", f"{length:,}"
            raise worded(
                ValueError,
                f"emit.many: {name} holds {held} items, subjects {subjects}",
                f"emit.many：{name} 有 {held} 项，而 subjects 有 {subjects} 项",
            )
    subjects_, periods_, *rest = lists
    assert subjects_ is not None and periods_ is not None
    return (subjects_, periods_, *rest)  # type: ignore[return-value]


def filled(columns: Columns) -> tuple[list[Any], ...]:
    """The columns with each one not given as what ``emit`` takes by default."""
    length = len(columns[0])
    defaults = (None, None, None, None, None, "", None, False)
    return tuple(
        [default] * length if column is None else column
        for column, default in zip(columns, defaults, strict=True)
    )


_PLAIN = frozenset({str, int, float, bool, type(None), decimal.Decimal})


def _plain(metric: object, columns: Columns) -> bool:
    """Whether the columns can cross to the host as they are: every item of a type that
    pickles plainly, sources text short enough, dimensions plain mappings of text."""
    if type(metric) is not str:
        return False
    subjects, periods, values, numerators, denominators, sources, dimensions, marks = columns
    for column in (subjects, periods, values, numerators, denominators, marks):
        if column is not None and not all(type(item) in _PLAIN for item in column):
            return False
    if sources is not None and not all(
        type(source) is str and len(source) <= SOURCE_LIMIT for source in sources
    ):
        return False
    return dimensions is None or all(
        cut is None
        or (type(cut) is dict and all(type(k) is str and type(v) is str for k, v in cut.items()))
        for cut in dimensions
    )


def _sendable_dimensions(dimensions: object) -> dict[str, str] | Unsendable | None:
    if dimensions is None:
        return None
    if isinstance(dimensions, Mapping) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in dimensions.items()
    ):
        return dict(dimensions)
    return Unsendable.of(dimensions)


@attrs.frozen
class Unsendable:
    """Stands for a value of a type that cannot cross to the host; the checker refuses it."""

    type_name: str
    number: bool = False
    """A number of a type emit does not take (numpy's ``int64``, pandas' numbers)."""

    @classmethod
    def of(cls, given: object) -> Unsendable:
        return cls(type(given).__name__, other_number(given))

    def __str__(self) -> str:
        return f"<{self.type_name}>"


def other_number(given: object) -> bool:
    """Whether ``given`` is a number of a type emit does not take: numpy registers its
    numbers as ``numbers.Number``, as the standard library's ``Fraction`` is."""
    import numbers

    return isinstance(given, numbers.Number) and not isinstance(given, bool)


SOURCE_LIMIT = 2000


def kept_source(source: object) -> str:
    """A figure's source as it is stored: as given, or, past ``SOURCE_LIMIT``, cut
    after the last row it cites whole and marked cut (``trades.csv rows 2,5,…,1409 …``),
    never part-way through a row's number, which would cite a row not behind it."""
    text = str(source)
    if len(text) <= SOURCE_LIMIT:
        return text
    import re  # a source this long is rare

    kept = text[: SOURCE_LIMIT - 2]
    if not text[SOURCE_LIMIT - 2].isspace() and text[SOURCE_LIMIT - 2] not in ",;、":
        kept = re.sub(r"[^\s,;、]*\Z", "", kept) or kept  # one long word: cut in it
    return kept.rstrip(" ,;、") + " …"
