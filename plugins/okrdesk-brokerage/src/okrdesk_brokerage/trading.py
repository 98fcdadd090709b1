"""trades.csv: net commission per CM and window, and who traded in which month.

The first trade of each client in each calendar month is kept (only when
effective accounts are wanted) because a client is effective at a checkpoint
if they traded in its month on or before it.
"""

from __future__ import annotations

import datetime as dt

from okrdesk_brokerage import engine
from okrdesk_brokerage.book import Book
from okrdesk_brokerage.engine import Connection
from okrdesk_brokerage.fields import DateCache, amount_cents, cents
from okrdesk_brokerage.layout import TRADES
from okrdesk_brokerage.reading import CsvRows, Folder
from okrdesk_brokerage.tally import Tallies
from okrdesk_brokerage.windows import Windows, month_key

TradeMonths = dict[int, dict[int, tuple[dt.date, int]]]
"""Client index → month key → (day, line) of the client's first trade that month."""


class Trading:
    def __init__(self, con: Connection | None = None, table: str | None = None) -> None:
        self.commission = Tallies(TRADES.name)
        self.table = table
        """The DuckDB table holding the first trades (``client``, ``month``, ``day``,
        ``line``), when they were found set-wise: set-wise assets read them there."""
        self._con = con
        self._first_trades: TradeMonths | None = None if table else {}

    @property
    def first_trades(self) -> TradeMonths:
        """The first trades as Python objects, fetched from ``table`` on first use (only
        the streaming reader of assets.csv needs them so): hundreds of thousands of
        objects at firm scale."""
        if self._first_trades is None:
            assert self._con is not None and self.table is not None
            found: TradeMonths = {}
            for client, month, day, line in self._con.execute(
                # In order: the streaming reader adds up a client's weight in this order,
                # which must not change with DuckDB's threads.
                f"SELECT client, month, day, line FROM {self.table} ORDER BY client, month"
            ).fetchall():
                found.setdefault(client, {})[month] = (day, line)
            self._first_trades = found
        return self._first_trades


def read_trades(folder: Folder, book: Book, windows: Windows, *, months: bool) -> Trading:
    """One pass over trades.csv; ``months`` keeps each client's first trade per month."""
    trading = Trading()
    commission, first_trades = trading.commission, trading.first_trades
    ids, cms, through, containing = book.ids, book.cm, windows.through, windows.containing
    dates = DateCache()
    with CsvRows(folder, TRADES) as rows:
        at_date, at_client, at_volume, at_commission = rows.positions()
        for line, fields in rows:
            try:
                day = dates[fields[at_date]]
                client = ids[fields[at_client]]
                amount_cents(fields[at_volume])
                fee = cents(fields[at_commission])
            except (LookupError, ValueError, OverflowError):
                raise rows.malformed(line, fields, ids) from None
            cm = cms[client]
            if cm < 0 or day > through:
                continue
            for window in containing(day):
                commission.add((cm, window), fee, line)
            if months:
                seen = first_trades.setdefault(client, {})
                key = month_key(day)
                earlier = seen.get(key)
                if earlier is None or day < earlier[0]:
                    seen[key] = (day, line)
    return trading


def total_trades(
    con: Connection,
    folder: Folder,
    book: Book,
    windows: Windows,
    *,
    months: bool,
    commission: bool = True,
) -> Trading | None:
    """The same totals as ``read_trades`` (commission only with ``commission``), set-wise
    in DuckDB; None when the file needs the streaming reader (a row that fails a check,
    or lines that are not one row each)."""
    checks = (
        f"{engine.money('volume')} >= 0",
        f"{engine.money('commission')} IS NOT NULL",
    )
    table = engine.checked_rows(
        con, folder, TRADES, checks, windows.through, f"{engine.money('commission')} AS fen"
    )
    if table is None:
        return None
    trading = Trading(con, "first_trades" if months else None)
    if commission:
        trading.commission = engine.tallies(con, TRADES.name, f"SELECT * FROM {table}", "fen")
    if months:
        # The earliest (day, line) of each client's month, by a grouping rather than a sort.
        con.execute(
            "CREATE OR REPLACE TEMP TABLE first_trades AS SELECT client, month, "
            f"{engine.day_of('first')} AS day, {engine.line_of('first')} AS line "
            "FROM (SELECT client, (year(day) * 12 + month(day) - 1)::BIGINT AS month, "
            f"{engine.earliest()} AS first FROM {table} GROUP BY client, month)"
        )
    con.execute(f"DROP TABLE {table}")
    return trading
