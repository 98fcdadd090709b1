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

import bisect
import contextlib
import datetime as dt
from collections.abc import Iterator

from okrdesk_brokerage import engine
from okrdesk_brokerage.book import Book
from okrdesk_brokerage.engine import Connection
from okrdesk_brokerage.fields import DateCache, cents
from okrdesk_brokerage.layout import ASSETS, GENDERS, TRADES
from okrdesk_brokerage.reading import CsvRows, Folder
from okrdesk_brokerage.settings import Settings
from okrdesk_brokerage.tally import Tallies, Tally
from okrdesk_brokerage.trading import TradeMonths
from okrdesk_brokerage.windows import Windows, next_month_start


class Assets:
    def __init__(self, cms: int, tiers: tuple[str, ...] = ()) -> None:
        self.aum = Tallies(ASSETS.name)
        """Total assets of open clients per (CM, checkpoint), in fen."""
        self.tiers = tiers
        self.aum_by_tier = [Tallies(ASSETS.name) for _ in tiers]
        """The same per client tier, each client in the tier of their assets at the
        checkpoint; filled only when AUM is wanted."""
        self.effective_by_assets = Tallies(ASSETS.name)
        self.effective_by_trades = Tallies(TRADES.name)
        """Effective accounts per (CM, checkpoint): those shown by holdings, then by trading."""
        self.new_effective_value = Tallies(ASSETS.name)
        """Securities (fen) of the accounts opened in each (CM, window) and effective at its
        end, at their last snapshot on or before it: their market value."""
        self.new_effective_by_trades = Tallies(TRADES.name)
        """The first trade of the month, 0 each, of those among them effective by trading
        alone: the row that makes each one count."""
        self.new_hnw = Tallies(ASSETS.name)
        self.new_hnw_by_gender = {gender: Tallies(ASSETS.name) for gender in GENDERS}
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
        new_value: bool = True,
    ) -> None:
        self.assets, self.book, self.windows = assets, book, windows
        self.bounds = [round(bound * 100) for bound in settings.client_tiers]
        self.first_trades = first_trades
        self.floor = round(settings.effective_assets_min * 100)
        weight = settings.institutional_weight
        heavy: float = int(weight) if weight.is_integer() else weight
        self.weight = [heavy if inst else 1 for inst in book.institutional]
        self.open_until = [windows.slot_from(closed) for closed in book.closed]
        self.new_value = new_value and first_trades is not None

    def _trade_that_counts(self, client: int, slot: int) -> tuple[dt.date, int] | None:
        """The client's first trade of the month of checkpoint ``slot``, if on or before it."""
        assert self.first_trades is not None
        first = self.first_trades.get(client, {}).get(self.windows.slot_month[slot])
        return first if first is not None and first[0] <= self.windows.checkpoints[slot] else None

    def _new_value(self, client: int, row: int, securities: int, lo: int, hi: int) -> None:
        """Value the snapshot at ``row`` for each window the client opened in whose end
        checkpoint it stands for (from ``lo`` up to ``hi``), where the client is effective."""
        cm = self.book.cm[client]
        for window in self.windows.containing(self.book.opened[client]):
            slot = self.windows.end_slot[window]
            if not lo <= slot < hi:
                continue
            if securities > self.floor:
                self.assets.new_effective_value.add((cm, window), securities, row)
                continue
            trade = self._trade_that_counts(client, slot)
            if trade is not None:
                self.assets.new_effective_value.add((cm, window), securities, row)
                self.assets.new_effective_by_trades.add((cm, window), 0, trade[1])

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
        if self.assets.tiers:
            tier = self.assets.aum_by_tier[bisect.bisect_right(self.bounds, total)]
            for slot in range(lo, hi):
                tier.add((cm, slot), total, row)
        if self.first_trades is None:
            return
        if self.new_value:
            self._new_value(client, row, securities, lo, hi)
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
                if self.new_value:
                    self._new_by_trading_alone(client, row, lo, hi)

    def _new_by_trading_alone(self, client: int, row: int, lo: int, hi: int) -> None:
        """A new account with no snapshot yet, effective by its trade at ``row`` at the
        checkpoints from ``lo`` up to ``hi``: counted with a market value of 0."""
        cm = self.book.cm[client]
        for window in self.windows.containing(self.book.opened[client]):
            if lo <= self.windows.end_slot[window] < hi:
                self.assets.new_effective_by_trades.add((cm, window), 0, row)


def read_assets(
    folder: Folder,
    book: Book,
    windows: Windows,
    settings: Settings,
    first_trades: TradeMonths | None,
    *,
    tiers: bool = False,
    new_value: bool = True,
) -> Assets:
    """One pass over assets.csv; ``first_trades`` (from trades.csv) adds effective accounts
    and, with ``new_value``, new effective accounts' market value; ``tiers`` AUM by client
    tier."""
    assets = Assets(len(book.cms), settings.tier_names if tiers else ())
    last = _Last(len(book))
    settler = _Settler(assets, book, windows, settings, first_trades, new_value)
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
                total = cents(fields[at_total])
                securities = cents(fields[at_securities])
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
                before = last.row[client]
                raise rows.error(
                    line,
                    "date",
                    f"{day} comes before this client's snapshot of {previous} "
                    f"(line {before}); each client's snapshots must be in date order",
                    zh=f"{day} 早于这位客户 {previous} 的快照（第 {before} 行）；"
                    "每位客户的快照须按日期先后排列",
                )
            else:
                settler.settle(last, client, day)
            if not reached[client] and total >= threshold:
                reached[client] = True
                for window in containing(day):
                    assets.new_hnw.add((cm, window), 1, line)
                    assets.new_hnw_by_gender[book.gender[client]].add((cm, window), 1, line)
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
    tally.spans().add(line)


PARTS = ("aum", "attrition", "effective", "hnw")
"""The parts of ``Assets`` ``asset_parts`` totals, in order: AUM (whole and by tier), the
rest of asset attrition, effective accounts and new HNW clients."""


def asset_parts(
    con: Connection,
    folder: Folder,
    book: Book,
    windows: Windows,
    settings: Settings,
    first_trades: TradeMonths | str | None,
    *,
    tiers: bool = False,
    aum: bool = True,
    hnw: bool = True,
    attrition: bool = True,
    effective: bool = True,
    new_value: bool = True,
) -> tuple[Assets, Iterator[str]] | None:
    """The same totals as ``read_assets``, set-wise in DuckDB, a part at a time: each
    kept snapshot stands for the checkpoints from its day until the client's next
    snapshot or close. Only the parts asked for are totalled: ``aum`` (and ``tiers``),
    new HNW clients (``hnw``), what asset attrition needs besides AUM (``attrition``),
    and, given ``first_trades`` (as Python objects or as the name of the DuckDB table
    holding them, ``Trading.table``), effective accounts (``effective``) and new
    effective accounts' market value (``new_value``).

    The file is checked and its snapshots placed now (None when it needs the streaming
    reader: a row that fails a check, snapshots out of date order, or lines that are
    not one row each), and each part of the ``Assets`` returned is totalled as the
    iterator reaches it, which then gives its name (one of ``PARTS``), so that a
    metric can be emitted, and its totals let go, before the next part is totalled."""
    total, securities = engine.money("total_assets"), engine.money("securities_assets")
    checks = (
        f"{total} >= 0",
        f"{securities} >= 0",
    )
    # The snapshots kept, each beside its client's next, in the pass that checks the rows.
    kept = engine.checked_rows(
        con, folder, ASSETS, checks, windows.through, f"{total} AS total",
        f"{securities} AS securities", "closed", "institutional",
        keep="day >= opened AND (closed IS NULL OR day <= closed)",
        ordered=("lead(day) OVER by_client AS next_day",),
        table="snapshots", client=("opened", "closed", "institutional"),
    )  # fmt: skip
    if kept is None:
        return None
    # A snapshot followed in the file by an earlier one of the same client: out of order.
    found = con.execute("SELECT count(*) FROM snapshots WHERE next_day < day").fetchone()
    if found is None or found[0]:
        con.execute("DROP TABLE snapshots")
        return None
    assets = Assets(len(book.cms), settings.tier_names if tiers else ())

    def parts() -> Iterator[str]:
        try:
            yield from _parts(con, assets, windows, settings, first_trades, aum=aum, hnw=hnw,
                              attrition=attrition, effective=effective,
                              new_value=new_value)  # fmt: skip
        finally:
            # Every part totalled, or one that ran out of memory: the streaming reader then
            # reads the file, and DuckDB needs its memory back for the client book's lists.
            # Never in place of the error that brought it here.
            with contextlib.suppress(engine.Error):
                for table in ("pieces", "segments", "spans", "snapshots"):
                    con.execute(f"DROP TABLE IF EXISTS {table}")

    return assets, parts()


def _parts(
    con: Connection,
    assets: Assets,
    windows: Windows,
    settings: Settings,
    first_trades: TradeMonths | str | None,
    *,
    aum: bool,
    hnw: bool,
    attrition: bool,
    effective: bool,
    new_value: bool,
) -> Iterator[str]:
    """The parts of ``asset_parts``, each totalled as the iterator reaches it."""
    if aum or assets.tiers or first_trades is not None:
        segments(con, windows)
    if aum:
        assets.aum = engine.cells(
            con, ASSETS.name, "SELECT cm, segment AS w, line, total AS amount FROM pieces",
            spread=SEGMENT_SLOTS,
        )  # fmt: skip
    if assets.tiers:
        _by_tier(con, assets, settings)
    yield "aum"
    # Attrition next: once it is emitted, AUM and funding's outflows, which it needs
    # too, are let go before the largest work left, effective accounts.
    if attrition:
        _attrition(con, assets)
    yield "attrition"
    if first_trades is not None:
        # The largest joins of a collect: on two threads they needed more than DuckDB's
        # memory limit at 300 branches, one collect in three.
        with engine.one_thread(con):
            _effective(con, assets, settings, first_trades, effective=effective,
                       new_value=new_value)  # fmt: skip
    yield "effective"
    for table in ("pieces", "segments", "spans"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    if hnw:
        with engine.one_thread(con):
            _new_hnw(con, assets, settings)
    yield "hnw"


SEGMENT_SLOTS = "SELECT cm, segment AS w, unnest(range(first_slot, end_slot)) AS key FROM segments"
"""Each CM's segment and the checkpoints (slots) in it: ``engine.cells``' ``spread``."""


def segments(con: Connection, windows: Windows) -> None:
    """Each snapshot's checkpoints, in runs that many snapshots share, as three tables.

    A snapshot stands for the checkpoints from its day until the client's next snapshot
    or close: a run of slots ``[first, end)``, kept as ``spans`` (``client``, ``cm``,
    ``line``, ``total``, ``securities``, ``institutional``, ``first_slot``,
    ``end_slot``; snapshots that stand for no checkpoint left out). Where any of a CM's
    snapshots starts or
    ends a run, a new *segment* of that CM's checkpoints begins; within one, the same
    snapshots stand for every checkpoint. ``segments(cm, segment, first_slot,
    end_slot)`` holds them, and ``pieces`` each snapshot once per segment it covers
    (``segment``, ``line``, ``total``, ``securities``, ``institutional``). A CM's
    totals and row citations are then worked out once per segment rather than once per
    checkpoint (a monthly snapshot stands for four or five weekly checkpoints), and
    spread to the segment's checkpoints (``SEGMENT_SLOTS``)."""
    slots = windows.slots
    # Where a day falls among the checkpoints: how many lie before it.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE slot_days AS SELECT d::DATE AS day, "
        "(SELECT count(*) FROM checkpoints k WHERE k.day < d)::INTEGER AS before "
        "FROM range((SELECT min(day) FROM checkpoints), "
        "(SELECT max(day) FROM checkpoints) + INTERVAL 1 DAY, INTERVAL 1 DAY) AS t(d)"
    )

    def before(day: str, found: str) -> str:
        # A day outside slot_days lies before every checkpoint, or after them all (or is
        # no day at all).
        first = "(SELECT min(day) FROM checkpoints)"
        return f"coalesce({found}.before, CASE WHEN {day} < {first} THEN 0 ELSE {slots} END)"

    con.execute(
        "CREATE OR REPLACE TEMP TABLE spans AS SELECT * FROM (SELECT cm, client, line, total, "
        f"securities, institutional, {before('s.day', 'a')} AS first_slot, "
        f"least({before('s.next_day', 'b')}, {before('s.closed', 'c')}) AS end_slot "
        "FROM snapshots s LEFT JOIN slot_days a ON a.day = s.day "
        "LEFT JOIN slot_days b ON b.day = s.next_day LEFT JOIN slot_days c ON c.day = s.closed) "
        "WHERE first_slot < end_slot"
    )
    con.execute("DROP TABLE slot_days")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE segments AS SELECT cm, "
        "(row_number() OVER (PARTITION BY cm ORDER BY slot))::INTEGER AS segment, "
        "slot AS first_slot, lead(slot) OVER (PARTITION BY cm ORDER BY slot) AS end_slot "
        "FROM (SELECT cm, first_slot AS slot FROM spans UNION SELECT cm, end_slot FROM spans)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE pieces AS SELECT cm, line, total, securities, "
        "institutional, unnest(range(first_segment, end_segment)) AS segment FROM "
        "(SELECT s.*, a.segment AS first_segment, z.segment AS end_segment FROM spans s "
        "JOIN segments a ON a.cm = s.cm AND a.first_slot = s.first_slot "
        "JOIN segments z ON z.cm = s.cm AND z.first_slot = s.end_slot)"
    )
    con.execute("DELETE FROM segments WHERE end_slot IS NULL")


def _new_hnw(con: Connection, assets: Assets, settings: Settings) -> None:
    """Clients whose first snapshot at or above the threshold falls in each window, by
    gender too (folded into the window's index, all in one query)."""
    threshold = round(settings.hnw_threshold * 100)
    first_hnw = (
        f"SELECT * FROM snapshots WHERE total >= {threshold} QUALIFY row_number() OVER "
        "(PARTITION BY client ORDER BY line) = 1"
    )
    assets.new_hnw = engine.tallies(con, ASSETS.name, first_hnw, "1")
    count = len(GENDERS)
    gender = " ".join(f"WHEN gender = '{g}' THEN {k}" for k, g in enumerate(GENDERS))
    folded = engine.cells(
        con,
        ASSETS.name,
        f"SELECT h.cm, w * {count} + CASE {gender} END AS w, h.line, 1 AS amount "
        f"FROM ({first_hnw}) h JOIN window_days USING (day) "
        "JOIN (SELECT idx, gender FROM clients) g ON g.idx = h.client",
    )
    for (cm, key), cell in folded.cells.items():
        window, k = divmod(key, count)
        assets.new_hnw_by_gender[GENDERS[k]].cells[(cm, window)] = cell


def _attrition(con: Connection, assets: Assets) -> None:
    """The last snapshot of accounts closed in each window, and each CM's first snapshot
    day and its total: what asset attrition needs besides AUM."""
    assets.closed_assets = engine.cells(
        con,
        ASSETS.name,
        "SELECT cm, w, line, total AS amount FROM snapshots "
        "JOIN window_days ON window_days.day = closed WHERE next_day IS NULL",
    )
    # Each first day's rows written as runs by the query, as ``engine.cells`` writes them.
    firsts = con.execute(
        f"SELECT cm, day, amount, {engine.RUNS} FROM (SELECT cm, day, sum(total) AS amount, "
        "list_sort(list(line)) AS lines FROM snapshots WHERE (cm, day) IN "
        "(SELECT (cm, min(day)) FROM snapshots GROUP BY cm) GROUP BY cm, day)"
    ).fetchall()
    for cm, day, amount, runs in firsts:
        assets.first_day[cm] = day
        assets.first_total[cm] = Tally(int(amount), runs)


def _by_tier(con: Connection, assets: Assets, settings: Settings) -> None:
    """AUM per client tier in one pass over ``settled``: a client's tier is how many tier
    bounds their total reaches (what bisect_right gives), folded into the cell key."""
    bounds = [round(bound * 100) for bound in settings.client_tiers]
    tier = " + ".join(f"(total >= {bound})::INTEGER" for bound in bounds)
    count = len(assets.tiers)
    folded = engine.cells(
        con,
        ASSETS.name,
        f"SELECT cm, segment * {count} + {tier} AS w, line, total AS amount FROM pieces",
        spread=f"SELECT cm, w * {count} + t AS w, key * {count} + t AS key "
        f"FROM ({SEGMENT_SLOTS}), range({count}) AS tiers(t)",
    )
    for (cm, key), cell in folded.cells.items():
        slot, index = divmod(key, count)
        assets.aum_by_tier[index].cells[(cm, slot)] = cell


def _effective(
    con: Connection,
    assets: Assets,
    settings: Settings,
    first_trades: TradeMonths | str,
    *,
    effective: bool = True,
    new_value: bool = True,
) -> None:
    """Effective accounts per (CM, checkpoint): by holdings, else by a trade in the month;
    and the market value of those opened in each window and effective at its end."""
    if not isinstance(first_trades, str):
        con.execute(
            "CREATE OR REPLACE TEMP TABLE first_trades AS SELECT unnest(?::INTEGER[]) AS client, "
            "unnest(?::BIGINT[]) AS month, unnest(?::DATE[]) AS day, unnest(?::BIGINT[]) AS line",
            [
                [client for client, months in first_trades.items() for _ in months],
                [month for months in first_trades.values() for month in months],
                [first[0] for months in first_trades.values() for first in months.values()],
                [first[1] for months in first_trades.values() for first in months.values()],
            ],
        )
        first_trades = "first_trades"
    if new_value:
        _new_effective_value(con, assets, settings, first_trades)
    if effective:
        _effective_accounts(con, assets, settings, first_trades)
    con.execute(f"DROP TABLE {first_trades}")


def _effective_accounts(
    con: Connection, assets: Assets, settings: Settings, first_trades: str
) -> None:
    """Effective accounts per (CM, checkpoint), from the first trades in ``first_trades``."""
    weight = settings.institutional_weight
    whole = weight.is_integer()
    weighed = f"CASE WHEN institutional THEN {weight!r} ELSE 1 END"
    floor = round(settings.effective_assets_min * 100)
    assets.effective_by_assets = engine.cells(
        con,
        ASSETS.name,
        f"SELECT cm, segment AS w, line, {weighed} AS amount FROM pieces "
        f"WHERE securities > {floor}",
        whole=whole,
        spread=SEGMENT_SLOTS,
    )
    # A first trade counts at each checkpoint of its month on or after its day that a
    # snapshot of the client with too little in securities stands for.
    by_trades_after = (
        f"SELECT s.cm, k.slot AS w, t.line, {weighed.replace('institutional', 's.institutional')} "
        f"AS amount FROM {first_trades} t JOIN checkpoints k ON k.month = t.month "
        "AND k.day >= t.day JOIN spans s ON s.client = t.client AND k.slot >= s.first_slot "
        f"AND k.slot < s.end_slot WHERE s.securities <= {floor}"
    )
    by_trades_before = (
        f"SELECT c.cm, k.slot AS w, t.line, {weighed.replace('institutional', 'c.institutional')} "
        f"AS amount FROM {first_trades} t JOIN clients c ON c.idx = t.client "
        "LEFT JOIN (SELECT client, min(day) AS first FROM snapshots GROUP BY client) f "
        "ON f.client = t.client JOIN checkpoints k ON k.month = t.month AND k.day >= t.day "
        "AND k.day >= c.opened AND (c.closed IS NULL OR k.day < c.closed) "
        "AND (f.first IS NULL OR k.day < f.first) WHERE c.cm >= 0"
    )
    assets.effective_by_trades = engine.cells(
        con,
        TRADES.name,
        f"{by_trades_after} UNION ALL {by_trades_before}",
        whole=whole,
    )


WINDOW_ENDS = (
    "SELECT w.w, w.first, k.slot, k.day, k.month FROM windows w "
    "JOIN checkpoints k ON k.day = w.last"
)
"""Each window with the checkpoint of its end."""


def _new_effective_value(
    con: Connection, assets: Assets, settings: Settings, first_trades: str
) -> None:
    """The securities of the accounts opened in each window and effective at its end (by
    holdings, else by a trade in the month of the end on or before it), each at the
    snapshot standing for the end; and the first trades of those effective by trading
    alone, snapshot or none, at 0 each."""
    floor = round(settings.effective_assets_min * 100)
    counts = "t.client = n.client AND t.month = n.month AND t.day <= n.day"
    new = (
        "SELECT s.cm, s.client, s.line, s.securities, e.w, e.month, e.day FROM spans s "
        f"JOIN clients c ON c.idx = s.client JOIN ({WINDOW_ENDS}) e "
        "ON c.opened BETWEEN e.first AND e.day AND e.slot >= s.first_slot AND e.slot < s.end_slot"
    )
    assets.new_effective_value = engine.cells(
        con,
        ASSETS.name,
        f"SELECT cm, w, line, securities AS amount FROM ({new}) n WHERE securities > {floor} "
        f"OR EXISTS (SELECT 1 FROM {first_trades} t WHERE {counts})",
    )
    after = (
        f"SELECT n.cm, n.w, t.line, 0 AS amount FROM ({new}) n JOIN {first_trades} t "
        f"ON {counts} WHERE n.securities <= {floor}"
    )
    before = (
        f"SELECT c.cm, e.w, t.line, 0 AS amount FROM {first_trades} t "
        "JOIN clients c ON c.idx = t.client "
        "LEFT JOIN (SELECT client, min(day) AS first FROM snapshots GROUP BY client) f "
        f"ON f.client = t.client JOIN ({WINDOW_ENDS}) e ON c.opened BETWEEN e.first AND e.day "
        "AND e.month = t.month AND e.day >= t.day AND (c.closed IS NULL OR e.day < c.closed) "
        "AND (f.first IS NULL OR e.day < f.first) WHERE c.cm >= 0"
    )
    assets.new_effective_by_trades = engine.cells(con, TRADES.name, f"{after} UNION ALL {before}")
