"""Running totals per CM and per window (or checkpoint), each with the rows behind it.

Totals are integers, fen for money and plain counts otherwise, so that adding
millions of rows in any order gives the same exact figure (the one exception is
effective accounts under a fractional institutional weight).
"""

from __future__ import annotations

from okrdesk_brokerage.provenance import Rows, RowSpans, spans_of

Key = tuple[int, int]
"""(CM index in the request's people, window or checkpoint index)."""


class Tally:
    __slots__ = ("amount", "rows")

    def __init__(self, amount: float = 0, rows: Rows | None = None) -> None:
        self.amount = amount
        self.rows: Rows = RowSpans() if rows is None else rows

    def spans(self) -> RowSpans:
        """The rows as ``RowSpans``, to add to: read from their text the first time."""
        rows = self.rows = spans_of(self.rows)
        return rows


class Tallies:
    """Totals from one file, created only where a row lands, so empty cells cost nothing.

    ``exact=False`` keeps only the first and last row behind each total: for a
    figure replayed from rows scattered all over a file (what is held at a date),
    where listing every row would cost memory and a source string per client.
    """

    def __init__(self, file: str, *, exact: bool = True) -> None:
        self.file = file
        self.exact = exact
        self.cells: dict[Key, Tally] = {}

    def add(self, key: Key, amount: float, row: int) -> None:
        cell = self.cells.get(key)
        if cell is None:
            cell = self.cells[key] = Tally()
        cell.amount += amount
        if self.exact:
            cell.spans().add(row)
        else:
            cell.spans().cover(row)

    def get(self, key: Key) -> Tally | None:
        return self.cells.get(key)

    def amount(self, key: Key) -> float:
        cell = self.cells.get(key)
        return 0 if cell is None else cell.amount

    def rows(self, key: Key) -> Rows | None:
        cell = self.cells.get(key)
        return None if cell is None else cell.rows
