"""Row numbers as compact ranges, and the ``source`` strings observations carry.

A figure built from thousands of rows must still say which rows, in a string a
person can read: ``"trades.csv rows 2-9,14; products.csv rows 3"``. Rows are
kept as ranges while they are collected, in a flat array of machine integers,
so a block of consecutive rows costs sixteen bytes however long it is.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

_UNREAD = array("q")
"""The (never filled) rows of every ``RowSpans.of_text`` not read yet."""


class RowSpans:
    """A set of row numbers stored as inclusive ranges ``[first, last, first, last, ...]``."""

    __slots__ = ("_flat", "_text", "_tidy", "_unread")

    def __init__(self, rows: Iterable[int] = ()) -> None:
        self._flat = array("q")
        self._tidy = True
        self._unread = False
        """Set while the rows are only known as ``_text`` (``of_text``)."""
        self._text: str | None = None
        """The rows as text, kept until they change: many sources cite the same rows."""
        for row in rows:
            self.add(row)

    def copy(self) -> RowSpans:
        self._read()
        made = RowSpans()
        made._flat, made._tidy, made._text = array("q", self._flat), self._tidy, self._text
        return made

    @classmethod
    def of_text(cls, text: str) -> RowSpans:
        """From runs in order, apart and not touching, written the way ``str`` writes them
        (as a query writes them): read back into numbers only if merged or summarised,
        which most citations never are."""
        if not text:
            return cls()
        spans = cls.__new__(cls)
        # No array until the runs are read: most never are, and a firm has a million.
        spans._flat, spans._tidy, spans._text, spans._unread = _UNREAD, True, text, True
        return spans

    def _read(self) -> None:
        if not self._unread:
            return
        self._unread = False
        assert self._text is not None
        flat = self._flat = array("q")
        for run in self._text.split(","):
            first, _, last = run.partition("-")
            flat.append(int(first))
            flat.append(int(last or first))

    def add(self, row: int) -> None:
        self.add_span(row, row)

    def add_span(self, first: int, last: int) -> None:
        self._read()
        self._text = None
        flat = self._flat
        if flat:
            end = flat[-1]
            if flat[-2] <= first <= end + 1:
                if last > end:
                    flat[-1] = last
                return
            if first < end:
                self._tidy = False
        flat.append(first)
        flat.append(last)

    def cover(self, row: int) -> None:
        """Widen a single range to take in ``row``: for figures replayed from scattered rows."""
        self._read()
        self._text = None
        flat = self._flat
        if not flat:
            flat.extend((row, row))
        elif row < flat[0]:
            flat[0] = row
        elif row > flat[-1]:
            flat[-1] = row

    def update(self, other: RowSpans) -> None:
        other._read()
        flat = other._flat
        for k in range(0, len(flat), 2):
            self.add_span(flat[k], flat[k + 1])

    def spans(self) -> list[tuple[int, int]]:
        """The ranges in order, overlapping and touching ones merged."""
        self._read()
        if self._tidy:
            # Added in order, each span apart from the one before: nothing to merge.
            return list(zip(self._flat[::2], self._flat[1::2], strict=True))
        pairs = sorted(zip(self._flat[::2], self._flat[1::2], strict=True))
        merged: list[tuple[int, int]] = []
        for first, last in pairs:
            if merged and first <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
            else:
                merged.append((first, last))
        if not self._tidy:
            self._flat = array("q", (row for pair in merged for row in pair))
            self._tidy = True
        return merged

    def __bool__(self) -> bool:
        return self._unread or bool(self._flat)

    def __str__(self) -> str:
        if self._text is None:
            self._text = ",".join(str(a) if a == b else f"{a}-{b}" for a, b in self.spans())
        return self._text

    def summary(self) -> str:
        """The first and last row and how many rows between them count, for when the list
        itself is too long to show: ``2-3998 (1,333 rows)``, as okrdesk reads a citation
        (docs/plugins.md, "Citing the rows behind a figure")."""
        spans = self.spans()
        count = sum(last - first + 1 for first, last in spans)
        return f"{spans[0][0]}-{spans[-1][1]} ({count:,} {'row' if count == 1 else 'rows'})"


Rows = RowSpans | str
"""The rows behind a figure: a ``RowSpans``, or the runs as a query wrote them ("2-9,14",
what ``str`` of the ``RowSpans`` gives), which most figures only ever cite; read into
numbers (``spans_of``) only where they are merged with others or added to."""


def spans_of(rows: Rows) -> RowSpans:
    return RowSpans.of_text(rows) if isinstance(rows, str) else rows


MAX_SOURCE = 1000
"""Characters a source may take; the host keeps 2,000 and a cut list would name wrong rows."""


class Source:
    """The files and rows behind one observation, in the order they were named.

    A figure over a long period can rest on thousands of scattered rows; past
    ``MAX_SOURCE`` characters the longest lists are replaced by their first and last
    row and a count (``trades.csv rows 2-3998 (1,333 rows)``), which is honest where a
    truncated list would not be. Every source is in the form okrdesk reads, so a
    Chinese ``okrdesk explain`` says it in Chinese.
    """

    def __init__(self) -> None:
        self._files: dict[str, RowSpans] = {}
        self._borrowed: set[str] = set()
        """Files whose rows are the cited object itself, copied only if more are cited."""

    def cite(self, file: str, rows: Rows | None) -> Source:
        if rows:
            rows = spans_of(rows)
            mine = self._files.get(file)
            if mine is None:
                self._files[file] = rows
                self._borrowed.add(file)
                return self
            if file in self._borrowed:
                mine = self._files[file] = mine.copy()
                self._borrowed.discard(file)
            mine.update(rows)
        return self

    def __bool__(self) -> bool:
        return bool(self._files)

    def __str__(self) -> str:
        if len(self._files) == 1:
            return cited(*next(iter(self._files.items())))
        text = "; ".join([_rows_of(file, str(rows)) for file, rows in self._files.items()])
        if len(text) <= MAX_SOURCE:
            return text
        parts = {file: _rows_of(file, str(rows)) for file, rows in self._files.items()}
        for file in sorted(parts, key=lambda name: -len(parts[name])):
            if sum(map(len, parts.values())) + 2 * (len(parts) - 1) <= MAX_SOURCE:
                break
            parts[file] = _rows_of(file, self._files[file].summary())
        return "; ".join(parts.values())


def cited(file: str, rows: Rows | None) -> str:
    """The source of a figure resting on rows of one file: ``str(Source().cite(file, rows))``."""
    if rows is None:
        return ""
    # The runs as a query wrote them, when they are known so: most citations.
    runs = rows if isinstance(rows, str) else rows._text
    if runs is None:
        if not rows:
            return ""
        runs = str(rows)
    elif not runs:
        return ""
    text = _rows_of(file, runs)
    return text if len(text) <= MAX_SOURCE else _rows_of(file, spans_of(rows).summary())


def cited_apart(*cites: tuple[str, Rows | None]) -> str:
    """The source of a figure resting on rows of several files, each named once (in
    ``cites``, with its rows): ``str`` of the ``Source`` citing them in that order, written
    at once from each file's runs, with no ``Source`` made unless it is too long."""
    parts = [_rows_of(file, rows if isinstance(rows, str) else str(rows))
             for file, rows in cites if rows]  # fmt: skip
    text = "; ".join(parts)
    if len(text) <= MAX_SOURCE:
        return text
    source = Source()
    for file, rows in cites:
        source.cite(file, rows)
    return str(source)


def counted_none(file: str, looked_at: str) -> str:
    """The source of a flow's 0 for no rows: no row of ``file`` counts, among the rows
    ``looked_at`` cites (the CM's clients), which a Chinese ``explain`` says in Chinese.
    The 0 is emitted with ``no_rows=True``, which is what okrdesk reads it by."""
    said = f"no row of {file} counts, so 0"
    return f"{said}; {looked_at}" if looked_at else said


def _rows_of(file: str, runs: str) -> str:
    """``file`` and its rows in the cited form: "assets.csv rows 2-9, 14", one "row 7"."""
    return f"{file} {'row' if runs.isdigit() else 'rows'} {runs}"
