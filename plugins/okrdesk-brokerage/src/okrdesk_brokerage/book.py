"""The client book (clients.csv): who belongs to which CM, and when accounts open and close.

Read first, because every other file refers to its clients. Clients of CMs the
request does not ask about are kept only to recognise their ids; nothing about
them is totalled.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from typing import Any

from okrdesk_brokerage import engine
from okrdesk_brokerage.engine import Connection
from okrdesk_brokerage.fields import DateCache
from okrdesk_brokerage.layout import CLIENT_TYPES, CLIENTS, GENDERS
from okrdesk_brokerage.provenance import Rows, RowSpans, spans_of
from okrdesk_brokerage.reading import CsvRows, Folder
from okrdesk_brokerage.tally import Key, Tallies, Tally
from okrdesk_brokerage.windows import Windows

UNTRACKED = -1
"""The CM index of a client whose CM the request does not ask about."""


PER_CLIENT = ("ids", "cm", "opened", "closed", "institutional", "gender", "row")
"""The book's per-client lists, which the set-wise path reads only if a file falls back
to the streaming reader."""

LATER = ("closed_in", "cohorts", "cohort_rows", "open_at")
"""The totals a set-wise book works out only when first read: only client attrition, the
funnel rates, products per client and complaint rates need them."""


class Book:
    """Every client, indexed by position; the per-client lists share that index.

    Given ``clients``, the per-client lists are not built until one is first read:
    set-wise totals never need them, and at firm scale they would be hundreds of
    thousands of Python objects. ``clients`` must then be called while the DuckDB
    connection behind it is open. Given ``later``, the totals named in ``LATER`` are
    likewise worked out (by ``later``, which sets them all) when one is first read.
    """

    ids: dict[str, int]
    cm: list[int]
    opened: list[dt.date]
    closed: list[dt.date | None]
    institutional: list[bool]
    gender: list[str]
    row: list[int]

    def __init__(
        self,
        cms: Sequence[str],
        clients: Callable[[Book], None] | None = None,
        later: Callable[[Book], None] | None = None,
    ) -> None:
        self.cms = tuple(cms)
        self._clients = clients
        self._later = later
        self._owner = threading.get_ident()
        """The thread that may run ``clients`` and ``later``: the one using the DuckDB
        connection behind them, which refuses a second thread's call."""
        if clients is None:
            self.ids, self.cm, self.opened, self.closed = {}, [], [], []
            self.institutional, self.gender, self.row = [], [], []
        self.held = Tallies(CLIENTS.name)
        """The clients open at each (CM, checkpoint): how many and their rows, cited by the
        figures that count them."""
        self.gone: dict[Key, Rows] = {}
        """At a checkpoint where a CM has clients but none still open, the rows of those
        who left: what a stock of 0 there rests on."""
        self.first_open: list[dt.date | None] = [None] * len(cms)
        self.opened_in = Tallies(CLIENTS.name)
        self.closed_in: Tallies
        self.cohorts: dict[Key, list[int]]
        """Clients opened in each (CM, window): the cohort the funnel rates follow."""
        self.cohort_rows: dict[Key, Rows]
        """Each cohort's clients.csv rows."""
        self.open_at: list[list[int]]
        """Open clients per CM at each checkpoint."""
        if later is None:
            self.closed_in, self.cohorts, self.cohort_rows, self.open_at = (
                Tallies(CLIENTS.name), {}, {}, []
            )  # fmt: skip

    def __getattr__(self, name: str) -> Any:
        # Reached only for an attribute not yet set: a per-client list or a total of a
        # lazy book.
        found = self.__dict__
        if name in PER_CLIENT and found.get("_clients") is not None:
            self._owned(name)
            clients, self._clients = found["_clients"], None
            clients(self)
        elif name in LATER and found.get("_later") is not None:
            self._owned(name)
            self.settle_later()
        else:
            raise AttributeError(name)
        return getattr(self, name)

    def _owned(self, name: str) -> None:
        if threading.get_ident() != self._owner:
            raise RuntimeError(
                f"the client book's {name} was first read outside the thread that reads "
                "the files (settle it there first: see assemble.READS_LATER); this is a "
                "bug in the plugin"
            )

    def settle_later(self) -> None:
        """Work out the totals named in ``LATER`` now, if they are still to be worked
        out: before another thread reads them."""
        later = self.__dict__.get("_later")
        if later is not None:
            self._later = None
            later(self)

    def __len__(self) -> int:
        return len(self.cm)

    def has_clients_by(self, cm: int, day: dt.date) -> bool:
        first = self.first_open[cm]
        return first is not None and first <= day

    def had_at(self, cm: int, slot: int) -> Rows | None:
        """The rows of the clients a CM had at a checkpoint: those open then; where every
        client that had opened by then has left, those clients."""
        rows = self.held.rows((cm, slot))
        return rows if rows else self.gone.get((cm, slot))


def read_book(folder: Folder, cms: Sequence[str], windows: Windows) -> Book:
    """Read clients.csv in one pass and total what depends on it alone."""
    book = Book(cms)
    cm_index = {cm: k for k, cm in enumerate(cms)}
    dates = DateCache()
    slots = windows.slots
    changes = [[0] * (slots + 1) for _ in cms]
    with CsvRows(folder, CLIENTS) as rows:
        at_id, at_cm, at_type, at_gender, at_open, at_close = rows.positions()
        for line, fields in rows:
            try:
                client = fields[at_id]
                opened = dates[fields[at_open]]
                closing = fields[at_close]
                closed = dates[closing] if closing else None
                kind = fields[at_type]
                if not client.strip() or not fields[at_cm].strip():
                    raise ValueError("empty id")
                if kind not in CLIENT_TYPES or fields[at_gender] not in GENDERS:
                    raise ValueError("not one of the choices")
            except (LookupError, ValueError):
                raise rows.malformed(line, fields, ()) from None
            if client in book.ids:
                first = book.row[book.ids[client]]
                raise rows.error(
                    line, "client_id", f"duplicate client {client!r} (see line {first})",
                    zh=f"客户 {client!r} 重复（见第 {first} 行）",
                )  # fmt: skip
            if closed is not None and closed < opened:
                raise rows.error(line, "close_date", f"{closed} is before open_date {opened}",
                                 zh=f"{closed} 早于 open_date {opened}")  # fmt: skip
            cm = cm_index.get(fields[at_cm], UNTRACKED)
            book.ids[client] = len(book.cm)
            book.cm.append(cm)
            book.opened.append(opened)
            book.closed.append(closed)
            book.institutional.append(kind == "institutional")
            book.gender.append(fields[at_gender])
            book.row.append(line)
            if cm == UNTRACKED:
                continue
            _count(book, windows, changes, len(book.cm) - 1)
    book.open_at = [_running(counts)[:slots] for counts in changes]
    gone = _all_gone(book, windows)
    mine = {cm: [c for c in range(len(book.cm)) if book.cm[c] == cm] for cm, _ in gone}
    for cm, slot in gone:
        day = windows.checkpoints[slot]
        book.gone[(cm, slot)] = RowSpans(book.row[c] for c in mine[cm] if book.opened[c] <= day)
    return book


def _all_gone(book: Book, windows: Windows) -> list[Key]:
    """The (CM, checkpoint)s at which a CM has had clients but has none open: rare (a CM
    whose clients all left), so their rows are looked for only there."""
    return [
        (cm, slot)
        for cm, first in enumerate(book.first_open)
        if first is not None
        for slot, day in enumerate(windows.checkpoints)
        if first <= day and (cm, slot) not in book.held.cells
    ]


def _count(book: Book, windows: Windows, changes: list[list[int]], client: int) -> None:
    cm, line = book.cm[client], book.row[client]
    opened, closed = book.opened[client], book.closed[client]
    first = book.first_open[cm]
    if first is None or opened < first:
        book.first_open[cm] = opened
    for window in windows.containing(opened):
        book.opened_in.add((cm, window), 1, line)
        book.cohorts.setdefault((cm, window), []).append(client)
        spans_of(book.cohort_rows.setdefault((cm, window), RowSpans())).add(line)
    if closed is not None:
        for window in windows.containing(closed):
            book.closed_in.add((cm, window), 1, line)
    since, until = windows.slot_from(opened), windows.slot_from(closed)
    if since < until:
        changes[cm][since] += 1
        changes[cm][until] -= 1
        for slot in range(since, until):
            book.held.add((cm, slot), 1, line)


def _running(changes: list[int]) -> list[int]:
    total, out = 0, []
    for change in changes:
        total += change
        out.append(total)
    return out


def total_book(
    con: Connection, folder: Folder, cms: Sequence[str], windows: Windows
) -> Book | None:
    """The book ``read_book`` gives, set-wise in DuckDB (which then holds it as the table
    ``clients``); None when the file needs the streaming reader: a row that fails a
    check, a client twice, or lines that are not one row each. ``windows`` must be
    loaded."""
    if not engine.load(con, folder, CLIENTS, "clients_raw"):
        return None
    choices = ", ".join(f"'{t}'" for t in CLIENT_TYPES)
    genders = ", ".join(f"'{g}'" for g in GENDERS)
    checks = (
        engine.valid_date("open_date"),
        f"close_date IS NULL OR close_date = '' OR {engine.valid_date('close_date')}",
        engine.not_blank("client_id"),
        engine.not_blank("cm_id"),
        f"type IN ({choices})",
        f"coalesce(gender, '') IN ({genders})",
    )
    condition = " OR ".join(f"({check}) IS NOT TRUE" for check in checks)
    found = con.execute(
        f"SELECT count(*) FILTER (WHERE {condition}), count(*) - count(DISTINCT client_id) "
        "FROM clients_raw"
    ).fetchone()
    if found is None or found[0] or found[1]:
        return None
    engine.clients_table(con, cms)
    engine.drop(con, "clients_raw")
    found = con.execute("SELECT count(*) FROM clients WHERE closed < opened").fetchone()
    if found is None or found[0]:
        return None
    book = Book(cms, lambda book: _per_client(con, book), lambda book: _later(con, book, windows))
    for k, first in con.execute(f"SELECT cm, min(opened) FROM ({TRACKED}) GROUP BY cm").fetchall():
        book.first_open[k] = first
    book.held = _held(con, windows)
    gone = _all_gone(book, windows)
    if gone:
        pairs = ", ".join(f"({cm}, {slot})" for cm, slot in gone)
        book.gone = {key: cell.rows for key, cell in engine.cells(
            con, CLIENTS.name, f"SELECT cm, slot AS w, line, 1 AS amount FROM ({TRACKED}) c "
            f"JOIN checkpoints k ON k.day >= c.opened JOIN (VALUES {pairs}) g(cm, slot) "
            "USING (cm, slot)").cells.items()}  # fmt: skip
    book.opened_in = engine.tallies(
        con, CLIENTS.name, f"SELECT *, opened AS day FROM ({TRACKED})", "1"
    )
    return book


TRACKED = "SELECT cm, idx + 2 AS line, opened, closed, idx FROM clients WHERE cm >= 0"
"""The clients of the request's CMs, from DuckDB's ``clients``."""

OPEN_SLOTS = (
    f"SELECT t.cm, t.line, coalesce(a.slot, {{slots}}) AS since, coalesce(b.slot, {{slots}}) "
    f"AS until FROM ({TRACKED}) t ASOF LEFT JOIN checkpoints a ON t.opened <= a.day "
    "ASOF LEFT JOIN checkpoints b ON t.closed <= b.day"
)
"""Each tracked client's checkpoints open, ``since`` up to but not ``until`` (the first
checkpoint on or after it opened, and after it closed: ``Windows.slot_from``)."""

# A client's line begins a run of open clients at each checkpoint it is open at but the
# client on the line before (the same CM's) is not; it ends one where the next is not.
# Only these edges are spelt out per checkpoint, not every open client: most clients
# are open at every checkpoint and sit among clients who are too.
_EDGES = """
SELECT cm, line, unnest(range(since, CASE WHEN o_since IS NULL THEN until
                                      ELSE least(until, o_since) END)) AS slot FROM near
UNION ALL
SELECT cm, line, unnest(range(greatest(since, o_until), until)) FROM near
WHERE o_since IS NOT NULL
"""

# The k-th first line of a (CM, checkpoint)'s runs, in order, pairs with its k-th last line.
_RUNS = (
    "array_to_string(list_transform(list_zip(list_sort(list(line) FILTER (last = 0)), "
    "list_sort(list(line) FILTER (last = 1))), lambda run: CASE WHEN run[1] = run[2] "
    "THEN run[1]::VARCHAR ELSE concat(run[1], '-', run[2]) END), ',')"
)


def _held(con: Connection, windows: Windows) -> Tallies:
    """The clients open at each (CM, checkpoint) and their rows, written as runs from the
    lines that begin and end each run (``_EDGES``)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE open_slots AS " + OPEN_SLOTS.format(slots=windows.slots)
    )
    near = (
        "WITH near AS (SELECT c.cm, c.line, c.since, c.until, o.since AS o_since, "
        "o.until AS o_until FROM open_slots c LEFT JOIN open_slots o ON o.line = c.line {step} "
        "AND o.cm = c.cm WHERE c.since < c.until) "
    )
    first, last = (near.format(step=step) + _EDGES for step in ("- 1", "+ 1"))
    # A run's count of clients is its last line + 1 - its first.
    found = con.execute(
        f"SELECT cm, slot, {_RUNS}, sum(CASE WHEN last = 1 THEN line + 1 ELSE -line END) "
        f"FROM (SELECT *, 0 AS last FROM ({first}) UNION ALL SELECT *, 1 FROM ({last})) "
        "GROUP BY cm, slot"
    ).fetchall()
    con.execute("DROP TABLE open_slots")
    held = Tallies(CLIENTS.name)
    held.cells = {(cm, slot): Tally(int(count), runs) for cm, slot, runs, count in found}
    return held


def _later(con: Connection, book: Book, windows: Windows) -> None:
    """Work out the totals ``LATER`` names for a book ``total_book`` made."""
    book.closed_in = engine.tallies(
        con, CLIENTS.name, f"SELECT *, closed AS day FROM ({TRACKED}) WHERE closed IS NOT NULL", "1"
    )
    cohorts = con.execute(
        f"SELECT cm, w, list(idx ORDER BY line) FROM ({TRACKED}) "
        "JOIN window_days ON window_days.day = opened GROUP BY cm, w"
    ).fetchall()
    book.cohorts = {(k, w): members for k, w, members in cohorts}
    # A cohort's rows are those of the accounts opened in its window, already written.
    opened = book.opened_in.cells
    book.cohort_rows = {key: opened[key].rows for key in book.cohorts}
    book.open_at = [[0] * windows.slots for _ in book.cms]
    for (k, slot), cell in book.held.cells.items():
        book.open_at[k][slot] = int(cell.amount)


def _per_client(con: Connection, book: Book) -> None:
    """Fill the per-client lists of a book ``total_book`` made, from DuckDB's ``clients``."""
    columns = con.execute(
        "SELECT list(id ORDER BY idx), list(cm ORDER BY idx), list(opened ORDER BY idx), "
        "list(closed ORDER BY idx), list(institutional ORDER BY idx), list(idx + 2 ORDER BY idx), "
        "list(gender ORDER BY idx) FROM clients"
    ).fetchone()
    assert columns is not None
    ids, cm, opened, closed, institutional, lines, gender = (c or [] for c in columns)
    book.ids = dict(zip(ids, range(len(ids)), strict=True))
    book.cm, book.opened, book.closed = cm, opened, closed
    book.institutional, book.row, book.gender = institutional, lines, gender
