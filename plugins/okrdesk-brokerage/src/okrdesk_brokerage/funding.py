"""funding.csv: net new money, outflows, and each client's first inflow.

Amounts are signed: deposits and transfers in are positive, withdrawals and
transfers out negative.
"""

from __future__ import annotations

import datetime as dt

from okrdesk_brokerage import engine
from okrdesk_brokerage.book import Book
from okrdesk_brokerage.engine import Connection
from okrdesk_brokerage.fields import DateCache, cents
from okrdesk_brokerage.layout import FUNDING
from okrdesk_brokerage.reading import CsvRows, Folder
from okrdesk_brokerage.tally import Tallies
from okrdesk_brokerage.windows import Windows

FirstEvents = dict[int, tuple[dt.date, int]]
"""Client index → (day, line) of the client's first such event on or before ``through``."""


class Funding:
    def __init__(self) -> None:
        self.net = Tallies(FUNDING.name)
        self.outflows = Tallies(FUNDING.name)
        """Withdrawals as positive amounts."""
        self.first_inflows: FirstEvents = {}


def read_funding(folder: Folder, book: Book, windows: Windows) -> Funding:
    """One pass over funding.csv."""
    funding = Funding()
    net, outflows, first = funding.net, funding.outflows, funding.first_inflows
    ids, cms, through, containing = book.ids, book.cm, windows.through, windows.containing
    dates = DateCache()
    with CsvRows(folder, FUNDING) as rows:
        at_date, at_client, at_amount = rows.positions()
        for line, fields in rows:
            try:
                day = dates[fields[at_date]]
                client = ids[fields[at_client]]
                amount = cents(fields[at_amount])
            except (LookupError, ValueError, OverflowError):
                raise rows.malformed(line, fields, ids) from None
            cm = cms[client]
            if cm < 0 or day > through:
                continue
            for window in containing(day):
                net.add((cm, window), amount, line)
                if amount < 0:
                    outflows.add((cm, window), -amount, line)
            if amount > 0:
                earlier = first.get(client)
                if earlier is None or day < earlier[0]:
                    first[client] = (day, line)
    return funding


def total_funding(
    con: Connection,
    folder: Folder,
    windows: Windows,
    *,
    net: bool = True,
    outflows: bool = True,
    firsts: bool = True,
) -> Funding | None:
    """The same totals as ``read_funding``, set-wise in DuckDB (net flows, outflows and
    first inflows only when asked for); None when the file needs the streaming reader (a
    row that fails a check, or lines that are not one row each)."""
    checks = (f"{engine.money('amount')} IS NOT NULL",)
    fen = f"{engine.money('amount')} AS fen"
    table = engine.checked_rows(con, folder, FUNDING, checks, windows.through, fen)
    if table is None:
        return None
    funding = Funding()
    if net:
        funding.net = engine.tallies(con, FUNDING.name, f"SELECT * FROM {table}", "fen")
    if outflows:
        taken = f"SELECT * FROM {table} WHERE fen < 0"
        funding.outflows = engine.tallies(con, FUNDING.name, taken, "-fen")
    if firsts:
        funding.first_inflows = engine.firsts(con, f"SELECT * FROM {table} WHERE fen > 0")
    con.execute(f"DROP TABLE {table}")
    return funding
