"""assets.csv: what each client holds at each snapshot, and what follows from it.

A snapshot stands for a client's assets from its date until their next
snapshot. Reading the file once, a client's previous snapshot is settled when
the next one arrives: its figures go to every checkpoint it stands for. That
keeps one snapshot per client in memory and makes the work proportional to
rows plus client-checkpoints, however long the export runs. It needs each
client's snapshots in date order (across clients any order will do), which is
checked. Snapshots dated before a client's open_date or after their close_date
are ignored, as are those after the request's ``through`` day.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from okrdesk_brokerage.book import Book
from okrdesk_brokerage.fields import DateCache
from okrdesk_brokerage.layout import ASSETS, TRADES
from okrdesk_brokerage.reading import CsvRows
from okrdesk_brokerage.settings import Settings
from okrdesk_brokerage.tally import Tallies, Tally
from okrdesk_brokerage.trading import TradeMonths
from okrdesk_brokerage.windows import Windows, next_month_start


class Assets:
    def __init__(self, cms: int) -> None:
        self.aum = Tallies(ASSETS.name)
        """Total assets of open clients per (CM, checkpoint), in fen."""
        self.effective_by_assets = Tallies(ASSETS.name)
        self.effective_by_trades = Tallies(TRADES.name)
        """Effective accounts per (CM, checkpoint): those shown by holdings, then by trading."""
        self.new_hnw = Tallies(ASSETS.name)
        self.closed_assets = Tallies(ASSETS.name)
        """Last snapshot of accounts closed in each (CM, window)."""
        self.first_day: list[dt.date | None] = [None] * cms
        """Each CM's earliest snapshot, where attrition has no earlier base to measure from."""
        self.first_total = [Tally() for _ in range(cms)]


class _Last:
    """Each client's latest snapshot so far, one list per field, indexed by client."""

    def __init__(self, clients: int) -> None:
        self.day: list[dt.date | None] = [None] * clients
        self.row = [0] * clients
        self.total = [0] * clients
        self.securities = [0] * clients
        self.first_slot = [-1] * clients


class _Settler:
    """Puts one snapshot's figures on each checkpoint it stands for."""

    def __init__(
        self,
        assets: Assets,
        book: Book,
        windows: Windows,
        settings: Settings,
        first_trades: TradeMonths | None,
    ) -> None:
        self.assets, self.book, self.windows = assets, book, windows
        self.first_trades = first_trades
        self.floor = round(settings.effective_assets_min * 100)
        weight = settings.institutional_weight
        heavy: float = int(weight) if weight.is_integer() else weight
        self.weight = [heavy if inst else 1 for inst in book.institutional]
        self.open_until = [windows.slot_from(closed) for closed in book.closed]

    def settle(self, last: _Last, client: int, until: dt.date | None) -> None:
        since = last.day[client]
        assert since is not None
        slot_from = self.windows.slot_from
        lo, hi = slot_from(since), min(slot_from(until), self.open_until[client])
        if lo >= hi:
            return
        cm, row = self.book.cm[client], last.row[client]
        total, securities = last.total[client], last.securities[client]
        aum = self.assets.aum
        for slot in range(lo, hi):
            aum.add((cm, slot), total, row)
        if self.first_trades is None:
            return
        weight = self.weight[client]
        if securities > self.floor:
            for slot in range(lo, hi):
                self.assets.effective_by_assets.add((cm, slot), weight, row)
            return
        months = self.first_trades.get(client)
        if months:
            checkpoints, slot_month = self.windows.checkpoints, self.windows.slot_month
            by_trades = self.assets.effective_by_trades
            for slot in range(lo, hi):
                first = months.get(slot_month[slot])
                if first is not None and first[0] <= checkpoints[slot]:
                    by_trades.add((cm, slot), weight, first[1])

    def before_snapshots(self, last: _Last) -> None:
        """Count clients effective by trading alone where no snapshot of theirs exists yet."""
        if not self.first_trades:
            return
        slot_from = self.windows.slot_from
        by_trades = self.assets.effective_by_trades
        for client, months in self.first_trades.items():
            cm, weight = self.book.cm[client], self.weight[client]
            opened = slot_from(self.book.opened[client])
            until = self.open_until[client]
            if last.first_slot[client] >= 0:
                until = min(until, last.first_slot[client])
            for day, row in months.values():
                lo = max(opened, slot_from(day))
                hi = min(until, slot_from(next_month_start(day)))
                for slot in range(lo, hi):
                    by_trades.add((cm, slot), weight, row)


def read_assets(
    folder: Path,
    book: Book,
    windows: Windows,
    settings: Settings,
    first_trades: TradeMonths | None,
) -> Assets:
    """One pass over assets.csv; ``first_trades`` (from trades.csv) adds effective accounts."""
    assets = Assets(len(book.cms))
    last = _Last(len(book))
    settler = _Settler(assets, book, windows, settings, first_trades)
    threshold = round(settings.hnw_threshold * 100)
    reached = [False] * len(book)
    ids, cms, opens, closes = book.ids, book.cm, book.opened, book.closed
    through, containing, slot_from = windows.through, windows.containing, windows.slot_from
    dates = DateCache()
    with CsvRows(folder, ASSETS) as rows:
        at_date, at_client, at_total, at_securities = rows.positions()
        for line, fields in rows:
            try:
                day = dates[fields[at_date]]
                client = ids[fields[at_client]]
                total = round(float(fields[at_total]) * 100)
                securities = round(float(fields[at_securities]) * 100)
                if total < 0 or securities < 0:
                    raise ValueError("negative")
            except (LookupError, ValueError, OverflowError):
                raise rows.malformed(line, fields, ids) from None
            cm = cms[client]
            closed = closes[client]
            if (
                cm < 0
                or day > through
                or day < opens[client]
                or (closed is not None and day > closed)
            ):
                continue
            previous = last.day[client]
            if previous is None:
                last.first_slot[client] = slot_from(day)
            elif day < previous:
                raise rows.error(
                    line,
                    "date",
                    f"{day} comes before this client's snapshot of {previous} "
                    f"(line {last.row[client]}); each client's snapshots must be in date order",
                )
            else:
                settler.settle(last, client, day)
            if not reached[client] and total >= threshold:
                reached[client] = True
                for window in containing(day):
                    assets.new_hnw.add((cm, window), 1, line)
            _note_first_day(assets, cm, day, total, line)
            last.day[client], last.row[client] = day, line
            last.total[client], last.securities[client] = total, securities
    for client, seen in enumerate(last.day):
        if seen is None:
            continue
        settler.settle(last, client, None)
        closing = closes[client]
        if closing is not None:
            for window in containing(closing):
                assets.closed_assets.add(
                    (cms[client], window), last.total[client], last.row[client]
                )
    settler.before_snapshots(last)
    return assets


def _note_first_day(assets: Assets, cm: int, day: dt.date, total: int, line: int) -> None:
    first = assets.first_day[cm]
    if first is not None and day > first:
        return
    if first is None or day < first:
        assets.first_day[cm] = day
        assets.first_total[cm] = Tally()
    tally = assets.first_total[cm]
    tally.amount += total
    tally.rows.add(line)
