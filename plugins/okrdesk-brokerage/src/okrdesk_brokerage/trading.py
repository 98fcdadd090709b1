"""trades.csv: net commission per CM and window, and who traded in which month.

The first trade of each client in each calendar month is kept (only when
effective accounts are wanted) because a client is effective at a checkpoint
if they traded in its month on or before it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from okrdesk_brokerage.book import Book
from okrdesk_brokerage.fields import DateCache, amount_cents, cents
from okrdesk_brokerage.layout import TRADES
from okrdesk_brokerage.reading import CsvRows
from okrdesk_brokerage.tally import Tallies
from okrdesk_brokerage.windows import Windows, month_key

TradeMonths = dict[int, dict[int, tuple[dt.date, int]]]
"""Client index → month key → (day, line) of the client's first trade that month."""


class Trading:
    def __init__(self) -> None:
        self.commission = Tallies(TRADES.name)
        self.first_trades: TradeMonths = {}


def read_trades(folder: Path, book: Book, windows: Windows, *, months: bool) -> Trading:
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
